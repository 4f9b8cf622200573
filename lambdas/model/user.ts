import { Entity, type EntityItem } from 'electrodb';
import { entityConfig, schemaVersion, SERVICE } from './table.ts';

/**
 * The user, keyed by the JWT `sub`. In the `account` collection with its stats, so AP16
 * (profile + stats + recent orders) is one Query on the user's partition.
 */
export const User = new Entity(
  {
    model: { entity: 'user', version: '1', service: SERVICE },
    attributes: {
      userId: { type: 'string', required: true },
      email: { type: 'string', required: true },
      status: { type: ['active', 'suspended', 'deleted'] as const, default: 'active' },
      profile: {
        type: 'map',
        properties: {
          name: { type: 'string' },
          phone: { type: 'string' },
          preferences: { type: 'any' },
        },
        default: () => ({}),
      },
      schemaVersion,
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
