import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { publishOrderEvents } from '../adapters/order-event-bus.ts';
import { enqueueSettlements } from '../adapters/order-queue.ts';
import { outboxRecordOf } from '../adapters/outbox-records.ts';
import { logger } from '../observability.ts';
import type { RelayPorts } from '../ports/orders.ts';
import { relayOutbox } from './relay.ts';

const ports: RelayPorts = {
  enqueueSettlements,
  publishEvents: publishOrderEvents,
  warn: (message, details) => logger.warn(message, { ...details, error: details['error'] as Error }),
};

/**
 * The outbox relay's handler (decisions 0004, 0009): the event source mapping passes the INSERTs of
 * PENDING orders and of order events; this turns them into outbox records, lets relayOutbox
 * (./relay.ts) queue and publish them, and answers the records not done as batch item failures.
 */
export const handler = async (event: DynamoDBStreamEvent, context: Context): Promise<DynamoDBBatchResponse> => {
  logger.addContext(context);
  const records = event.Records.flatMap(outboxRecordOf);
  const notDone = await relayOutbox(records, ports);
  return { batchItemFailures: notDone.map((position) => ({ itemIdentifier: position })) };
};
