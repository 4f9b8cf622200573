import { Entity } from 'electrodb';
import { entityConfig, schemaVersion, SERVICE } from './table.ts';

/**
 * Uniqueness claim of an email (AP2): one item per lower-cased email, naming its owner. PUT /me
 * writes the claim (only if absent or already the caller's), deletes the old one and writes the
 * user in one transaction, so two users can never hold one email. Every PUT /me rewrites its claim,
 * which also gives users from before claims existed theirs.
 */
export const UserEmail = new Entity(
  {
    model: { entity: 'userEmail', version: '1', service: SERVICE },
    attributes: {
      email: { type: 'string', required: true },
      userId: { type: 'string', required: true },
      schemaVersion,
      /** When the owner last wrote the claim. */
      claimedAt: { type: 'string', required: true },
    },
    indexes: {
      byEmail: {
        pk: { field: 'pk', composite: ['email'], casing: 'none' },
        sk: { field: 'sk', composite: [], casing: 'none' },
      },
    },
  },
  entityConfig,
);
