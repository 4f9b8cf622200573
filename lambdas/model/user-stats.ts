import { Entity, type EntityItem } from 'electrodb';
import { entityConfig, schemaVersion, SERVICE } from './table.ts';

/**
 * Read model kept by the stream projector: order count, lifetime value and the five most recent
 * orders embedded on the user's partition. `version` guards the read-modify-write of recentOrders.
 */
export const UserStats = new Entity(
  {
    model: { entity: 'userStats', version: '1', service: SERVICE },
    attributes: {
      userId: { type: 'string', required: true },
      orderCount: { type: 'number', default: 0 },
      lifetimeValueCents: { type: 'number', default: 0 },
      recentOrders: {
        type: 'list',
        default: () => [],
        items: {
          type: 'map',
          properties: {
            orderId: { type: 'string', required: true },
            status: { type: 'string', required: true },
            totalCents: { type: 'number', required: true },
            createdAt: { type: 'string', required: true },
          },
        },
      },
      version: { type: 'number', default: 0 },
      schemaVersion,
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

export type UserStatsItem = EntityItem<typeof UserStats>;
