import { Entity } from 'electrodb';
import { entityConfig, schemaVersion, SERVICE } from './table.ts';

/** A product on a user's wishlist (users ↔ products, many-to-many). AP8: Query the user's partition. */
export const WishlistItem = new Entity(
  {
    model: { entity: 'wishlistItem', version: '1', service: SERVICE },
    attributes: {
      userId: { type: 'string', required: true },
      productId: { type: 'string', required: true },
      addedAt: { type: 'string', required: true },
      schemaVersion,
    },
    indexes: {
      byUser: {
        pk: { field: 'pk', composite: ['userId'], casing: 'none' },
        sk: { field: 'sk', composite: ['productId'], casing: 'none' },
      },
    },
  },
  entityConfig,
);
