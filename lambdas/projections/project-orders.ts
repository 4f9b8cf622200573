import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { confirmedOrders, orderChangeOfImage, orderHistory, userStats } from '../adapters/projection-store.ts';
import { productSalesLedger, topProductsBoard } from '../adapters/sales-store.ts';
import { logger, metrics } from '../observability.ts';
import { type OrderProjectionPorts, projectOrder } from './project-order.ts';

const ports: OrderProjectionPorts = {
  history: orderHistory,
  stats: userStats,
  confirmed: confirmedOrders,
  sales: productSalesLedger,
  board: topProductsBoard,
};

/** One stream record: its order change projected, then the lag it was projected with. */
async function projectRecord(record: DynamoDBRecord): Promise<void> {
  if (record.eventName === 'REMOVE') return;
  const change = orderChangeOfImage(record.dynamodb?.NewImage);
  if (!change) return; // not an order item: the event filter should have kept it away
  await projectOrder(change, ports);
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
