import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { enqueueSettlements } from '../adapters/order-queue.ts';
import { logger } from '../observability.ts';

/**
 * The transactional outbox (decision 0004): the stream's INSERT of a PENDING order — filtered by the
 * event source mapping — becomes a message on the order queue. What SQS does not take is reported
 * as a batch item failure, so Lambda retries from it; whatever is lost anyway, the backstop finds.
 */
export const handler = async (event: DynamoDBStreamEvent, context: Context): Promise<DynamoDBBatchResponse> => {
  logger.addContext(context);
  const placed = event.Records.flatMap((record) => {
    const orderId = record.dynamodb?.NewImage?.['orderId']?.S;
    const sequenceNumber = record.dynamodb?.SequenceNumber;
    return orderId && sequenceNumber ? [{ orderId, sequenceNumber }] : [];
  });
  let failed: Set<string>;
  try {
    failed = new Set(await enqueueSettlements(placed.map((order) => order.orderId)));
  } catch (error) {
    logger.warn('could not queue placed orders; the stream retries them', { count: placed.length, error: error as Error });
    failed = new Set(placed.map((order) => order.orderId));
  }
  return { batchItemFailures: placed.filter((order) => failed.has(order.orderId)).map((order) => ({ itemIdentifier: order.sequenceNumber })) };
};
