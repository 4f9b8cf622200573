import { Entity, type EntityItem } from 'electrodb';
import { entityConfig, schemaVersion, SERVICE } from './table.ts';

/**
 * Appended, numbered events of an order (event sourcing). AP10: Query pk=order, sk begins_with
 * event, ascending — the zero-padded seq sorts numerically. Each event carries the order's owner
 * so that the events route can authorize from the one Query it makes.
 */
export const OrderEvent = new Entity(
  {
    model: { entity: 'orderEvent', version: '1', service: SERVICE },
    attributes: {
      orderId: { type: 'string', required: true },
      seq: { type: 'number', required: true, padding: { length: 6, char: '0' } },
      userId: { type: 'string', required: true },
      type: { type: 'string', required: true },
      at: { type: 'string', required: true },
      data: { type: 'any', default: () => ({}) },
      schemaVersion,
    },
    indexes: {
      byOrder: {
        pk: { field: 'pk', composite: ['orderId'], casing: 'none' },
        sk: { field: 'sk', composite: ['seq'], casing: 'none' },
      },
    },
  },
  entityConfig,
);

export type OrderEventItem = EntityItem<typeof OrderEvent>;
