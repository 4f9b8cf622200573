import { Entity } from 'electrodb';
import { entityConfig, schemaVersion, SERVICE } from './table.ts';

/**
 * One line of a user's cart (AP7: Query the user's partition). Every cart change moves the `ttl`
 * of all the cart's lines to now + CART_TTL_SECONDS; reads drop lines past their `ttl` because
 * DynamoDB deletes expired items lazily.
 */
export const CartItem = new Entity(
  {
    model: { entity: 'cartItem', version: '1', service: SERVICE },
    attributes: {
      userId: { type: 'string', required: true },
      productId: { type: 'string', required: true },
      quantity: { type: 'number', required: true },
      addedAt: { type: 'string', required: true },
      ttl: { type: 'number', required: true },
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
