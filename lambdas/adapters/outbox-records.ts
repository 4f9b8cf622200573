import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import type { OutboxRecord } from '../ports/orders.ts';
import type { PendingOrderCopy } from '../ports/settlement-message.ts';

/** A stream record as an outbox record; anything else (the filters keep it away) is skipped. */
export function outboxRecordOf(record: DynamoDBRecord): OutboxRecord[] {
  const image = record.dynamodb?.NewImage;
  const position = record.dynamodb?.SequenceNumber;
  if (!image || !position || record.eventName !== 'INSERT') return [];
  const entity = image['__edb_e__']?.S;
  if (entity === 'order') {
    const orderId = image['orderId']?.S;
    if (!orderId || image['status']?.S !== 'PENDING') return [];
    const order = pendingOrderCopyOf(unmarshall(image as Record<string, AttributeValue>));
    return [{ position, kind: 'placed', orderId, ...(order ? { order } : {}) }];
  }
  if (entity === 'orderEvent') {
    // The item's own attributes (lambdas/model/order-event.ts), read without ElectroDB: the relay has no table client.
    const logged = unmarshall(image as Record<string, AttributeValue>);
    if (typeof logged['orderId'] !== 'string' || typeof logged['type'] !== 'string') return [];
    const detail = {
      orderId: logged['orderId'],
      seq: Number(logged['seq']),
      at: String(logged['at']),
      data: (logged['data'] ?? {}) as Record<string, unknown>,
      schemaVersion: Number(logged['schemaVersion'] ?? 1),
    };
    return [{ position, kind: 'event', event: { type: logged['type'], detail } }];
  }
  return [];
}

const isText = (value: unknown): value is string => typeof value === 'string' && value.length > 0;
const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value >= 0;
const isLine = (value: unknown): value is { productId: string; quantity: number } =>
  typeof value === 'object' && value !== null && isText((value as Record<string, unknown>)['productId']) && isCount((value as Record<string, unknown>)['quantity']);

/**
 * What settlement needs of the PENDING order, from the item's own attributes (lambdas/model/order.ts),
 * read without ElectroDB or zod: the relay stays small. An image without all of it (an order placed
 * before its payment token was kept with it) gives no copy, and the worker reads the order. The
 * worker checks the copy again (ports/settlement-message.ts) and reads the order if it does not parse.
 */
export function pendingOrderCopyOf(item: Record<string, unknown>): PendingOrderCopy | undefined {
  const { userId, items, promotionCode, paymentToken, cartLines, eventSeq, createdAt } = item;
  if (!isText(userId) || !isText(paymentToken) || !isText(createdAt) || !isCount(eventSeq)) return undefined;
  if (!Array.isArray(items) || items.length === 0 || !items.every(isLine)) return undefined;
  if (promotionCode !== undefined && !isText(promotionCode)) return undefined;
  if (cartLines !== undefined && !(Array.isArray(cartLines) && cartLines.every((l) => isLine(l) && isText((l as Record<string, unknown>)['addedAt'])))) return undefined;
  return {
    userId,
    items: items.map(({ productId, quantity }) => ({ productId, quantity })),
    ...(promotionCode !== undefined ? { promotionCode } : {}),
    paymentToken,
    ...(cartLines !== undefined
      ? { cartLines: (cartLines as Array<{ productId: string; quantity: number; addedAt: string }>).map(({ productId, quantity, addedAt }) => ({ productId, quantity, addedAt })) }
      : {}),
    eventSeq,
    createdAt,
  };
}
