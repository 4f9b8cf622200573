import { Entity, type EntityItem } from 'electrodb';
import { USER_SCHEMA_VERSION, USER_STATUSES } from '../domain/user-profile.ts';
import { entityConfig, schemaVersion, SERVICE } from './table.ts';

/**
 * The user, keyed by the JWT `sub`. In the `account` collection with its stats, so AP16
 * (profile + stats + recent orders) is one Query on the user's partition. Items of schema
 * version 1 hold `profile.name`; reads upgrade them (domain/user-profile.ts `upgradeUser`).
 */
export const User = new Entity(
  {
    model: { entity: 'user', version: '1', service: SERVICE },
    attributes: {
      userId: { type: 'string', required: true },
      email: { type: 'string', required: true },
      status: { type: USER_STATUSES, default: 'active' },
      profile: {
        type: 'map',
        properties: {
          givenName: { type: 'string' },
          familyName: { type: 'string' },
          /** Schema version 1 only: kept so old items still parse until the backfill splits it. */
          name: { type: 'string' },
          phone: { type: 'string' },
          preferences: { type: 'any' },
        },
        default: () => ({}),
      },
      schemaVersion: { ...schemaVersion, default: USER_SCHEMA_VERSION },
      /** Moves on with every PUT /me, which is conditioned on the revision it read. */
      revision: { type: 'number' },
      createdAt: { type: 'string', required: true },
      updatedAt: { type: 'string', required: true },
      lastLoginAt: { type: 'string' },
    },
    indexes: {
      byId: {
        collection: 'account',
        pk: { field: 'pk', composite: ['userId'], casing: 'none' },
        sk: { field: 'sk', composite: [], casing: 'none' },
      },
    },
  },
  entityConfig,
);

export type UserItem = EntityItem<typeof User>;
