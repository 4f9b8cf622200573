import { Entity, type EntityItem } from 'electrodb';
import { entityConfig, schemaVersion, SERVICE } from './table.ts';

/**
 * Per-user order history, a projection of order changes. AP11: Query pk=user, sk begins_with
 * userOrder, descending (ULIDs sort by time). `counted` marks the order as already added to the
 * user's stats, which makes the stats projection idempotent under redelivery.
 */
export const UserOrder = new Entity(
  {
    model: { entity: 'userOrder', version: '1', service: SERVICE },
    attributes: {
      userId: { type: 'string', required: true },
      orderId: { type: 'string', required: true },
      status: { type: 'string', required: true },
      totalCents: { type: 'number', required: true },
      createdAt: { type: 'string', required: true },
      counted: { type: 'boolean' },
      schemaVersion,
    },
    indexes: {
      byUser: {
        pk: { field: 'pk', composite: ['userId'], casing: 'none' },
        sk: { field: 'sk', composite: ['orderId'], casing: 'none' },
      },
    },
  },
  entityConfig,
);

export type UserOrderItem = EntityItem<typeof UserOrder>;
