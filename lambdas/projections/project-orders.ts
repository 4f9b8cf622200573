import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { Context, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { countConfirmedOrder, recordRecentOrder, upsertHistory } from '../adapters/projection-store.ts';
import type { OrderSummary } from '../domain/orders.ts';
import { Order } from '../model/order.ts';
import { logger } from '../observability.ts';
import { projectSales } from './product-sales.ts';

/**
 * Projects one order change into the user's read models and, once confirmed, into product sales
 * and the top-products board. Each step is idempotent on its own, so a redelivered record — or a
 * retry after a partial failure — changes nothing twice.
 */
async function projectRecord(record: DynamoDBRecord): Promise<void> {
  const image = record.dynamodb?.NewImage;
  if (!image || record.eventName === 'REMOVE') return;
  const { data: order } = Order.parse({ Item: unmarshall(image as Record<string, AttributeValue>) });
  if (!order) return; // not an order item: the event filter should have kept it away
  const summary: OrderSummary = {
    orderId: order.orderId,
    status: order.status,
    totalCents: order.totalCents ?? 0,
    createdAt: order.createdAt,
  };
  await upsertHistory(order.userId, summary);
  if (order.status === 'CONFIRMED') await countConfirmedOrder(order.userId, order.orderId, summary.totalCents);
  await recordRecentOrder(order.userId, summary);
  if (order.status === 'CONFIRMED') await projectSales(order);
}

const processor = new BatchProcessor(EventType.DynamoDBStreams);

/** Stream consumer: records in order; failures are reported so Lambda retries from the first one. */
export const handler = async (event: DynamoDBStreamEvent, context: Context) => {
  logger.addContext(context);
  return processPartialResponse(event, projectRecord, processor, { context, processInParallel: false });
};
