import { Entity } from 'electrodb';
import { entityConfig, schemaVersion, SERVICE } from './table.ts';

/** The payment of an order, in the order's partition; written by the settlement transaction. */
export const Payment = new Entity(
  {
    model: { entity: 'payment', version: '1', service: SERVICE },
    attributes: {
      orderId: { type: 'string', required: true },
      provider: { type: 'string', required: true },
      reference: { type: 'string', required: true },
      amountCents: { type: 'number', required: true },
      status: { type: ['AUTHORIZED', 'DECLINED', 'VOIDED'] as const, required: true },
      schemaVersion,
      createdAt: { type: 'string', required: true },
    },
    indexes: {
      byOrder: {
        pk: { field: 'pk', composite: ['orderId'], casing: 'none' },
        sk: { field: 'sk', composite: [], casing: 'none' },
      },
    },
  },
  entityConfig,
);
