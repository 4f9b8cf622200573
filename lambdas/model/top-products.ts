import { Entity } from 'electrodb';
import { entityConfig, schemaVersion, SERVICE } from './table.ts';

/**
 * The "top products" read model (AP17): one small item holding the best sellers, rewritten by the
 * sales projection under an optimistic `version` check. Functions read it at cold start to warm
 * their product cache.
 */
export const TopProducts = new Entity(
  {
    model: { entity: 'topProducts', version: '1', service: SERVICE },
    attributes: {
      board: { type: 'string', required: true },
      products: {
        type: 'list',
        default: () => [],
        items: {
          type: 'map',
          properties: {
            productId: { type: 'string', required: true },
            unitsSold: { type: 'number', required: true },
          },
        },
      },
      version: { type: 'number', default: 0 },
      schemaVersion,
    },
    indexes: {
      byBoard: {
        pk: { field: 'pk', composite: ['board'], casing: 'none' },
        sk: { field: 'sk', composite: [], casing: 'none' },
      },
    },
  },
  entityConfig,
);
