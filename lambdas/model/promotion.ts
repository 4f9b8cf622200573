import { Entity, type EntityItem } from 'electrodb';
import { entityConfig, schemaVersion, SERVICE } from './table.ts';

/**
 * A promotion code (AP15: GetItem). `redemptions` is incremented inside the settlement transaction
 * under the condition `redemptions < maxRedemptions`, so concurrent orders never over-redeem.
 */
export const Promotion = new Entity(
  {
    model: { entity: 'promotion', version: '1', service: SERVICE },
    attributes: {
      code: { type: 'string', required: true },
      percentOff: { type: 'number' },
      amountOffCents: { type: 'number' },
      validUntil: { type: 'string' },
      maxRedemptions: { type: 'number' },
      redemptions: { type: 'number', default: 0 },
      schemaVersion,
      updatedAt: { type: 'string', required: true },
    },
    indexes: {
      byCode: {
        pk: { field: 'pk', composite: ['code'], casing: 'none' },
        sk: { field: 'sk', composite: [], casing: 'none' },
      },
    },
  },
  entityConfig,
);

export type PromotionItem = EntityItem<typeof Promotion>;
