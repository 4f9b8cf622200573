import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { Context, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { countConfirmedOrder, recordRecentOrder, upsertHistory } from '../adapters/projection-store.ts';
import type { OrderSummary } from '../domain/order-rules.ts';
import { Order } from '../model/order.ts';
import { logger, metrics } from '../observability.ts';
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
  recordLag(record);
}

/** ProjectionLag: from the change in the table (the stream's creation time, whole seconds) to its read models. */
function recordLag(record: DynamoDBRecord): void {
  const changedAt = record.dynamodb?.ApproximateCreationDateTime;
  if (changedAt === undefined) return;
  metrics.addMetric('ProjectionLag', MetricUnit.Milliseconds, Math.max(0, Date.now() - changedAt * 1000));
}

const processor = new BatchProcessor(EventType.DynamoDBStreams);

/** Stream consumer: records in order; failures are reported so Lambda retries from the first one. */
export const handler = async (event: DynamoDBStreamEvent, context: Context) => {
  logger.addContext(context);
  try {
    return await processPartialResponse(event, projectRecord, processor, { context, processInParallel: false });
  } finally {
    // A batch whose every record failed has nothing to publish (Powertools would warn about it).
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  }
};
