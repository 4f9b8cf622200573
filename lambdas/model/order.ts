import { Entity, type EntityItem } from 'electrodb';
import { ORDER_STATUSES } from '../domain/order-rules.ts';
import { entityConfig, schemaVersion, SERVICE } from './table.ts';

/**
 * The order with its lines (AP9: GetItem). Its events share the partition (AP10).
 * AP12 lists a day's orders newest first through two write-sharded GSIs: gsi1 by day, gsi2 by day
 * and status; the shard is a hash of the order id, so no day's orders pile onto one partition.
 * gsi3 is the sparse index of PENDING orders the backstop reads.
 */
export const Order = new Entity(
  {
    model: { entity: 'order', version: '1', service: SERVICE },
    attributes: {
      orderId: { type: 'string', required: true },
      userId: { type: 'string', required: true },
      status: { type: ORDER_STATUSES, required: true },
      rejectionReason: { type: 'string' },
      items: {
        type: 'list',
        required: true,
        items: {
          type: 'map',
          properties: {
            productId: { type: 'string', required: true },
            quantity: { type: 'number', required: true },
            unitPriceCents: { type: 'number' },
          },
        },
      },
      subtotalCents: { type: 'number', default: 0 },
      discountCents: { type: 'number', default: 0 },
      totalCents: { type: 'number', default: 0 },
      promotionCode: { type: 'string' },
      fromCart: { type: 'boolean' },
      /**
       * For a fromCart order, the cart lines it was placed from. Once CONFIRMED, settlement removes
       * exactly these (same product, quantity and addedAt), never a line changed or re-added since.
       */
      cartLines: {
        type: 'list',
        items: {
          type: 'map',
          properties: {
            productId: { type: 'string', required: true },
            quantity: { type: 'number', required: true },
            addedAt: { type: 'string', required: true },
          },
        },
      },
      /**
       * The client's payment token, kept with the order until it is settled so that settlement never
       * depends on a message surviving (decision 0004); removed by the settling transaction.
       */
      paymentToken: { type: 'string' },
      /** How often the backstop re-drove this order to settlement, and when it last did. */
      redriveCount: { type: 'number' },
      redrivenAt: { type: 'string' },
      /** Sequence number of the order's latest event. */
      eventSeq: { type: 'number', required: true },
      day: { type: 'string', required: true, readOnly: true },
      shard: { type: 'number', required: true, readOnly: true },
      schemaVersion,
      createdAt: { type: 'string', required: true, readOnly: true },
      updatedAt: { type: 'string', required: true },
    },
    indexes: {
      byId: {
        pk: { field: 'pk', composite: ['orderId'], casing: 'none' },
        sk: { field: 'sk', composite: [], casing: 'none' },
      },
      byDay: {
        index: 'gsi1',
        pk: { field: 'gsi1pk', composite: ['day', 'shard'], casing: 'none' },
        sk: { field: 'gsi1sk', composite: ['orderId'], casing: 'none' },
      },
      /**
       * Sparse: only PENDING orders have these keys (settlement removes them), so the backstop finds
       * orders stuck in PENDING with one Query per shard, oldest first, never a Scan.
       */
      pending: {
        index: 'gsi3',
        condition: (attributes) => attributes['status'] === 'PENDING',
        pk: { field: 'gsi3pk', composite: ['shard'], casing: 'none' },
        sk: { field: 'gsi3sk', composite: ['orderId'], casing: 'none' },
      },
      byDayStatus: {
        index: 'gsi2',
        pk: { field: 'gsi2pk', composite: ['day', 'status', 'shard'], casing: 'none' },
        sk: { field: 'gsi2sk', composite: ['orderId'], casing: 'none' },
      },
    },
  },
  entityConfig,
);

export type OrderItem = EntityItem<typeof Order>;
