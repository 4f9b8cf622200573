import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { publishOrderEvents } from '../adapters/order-event-bus.ts';
import { enqueueSettlements } from '../adapters/order-queue.ts';
import { logger } from '../observability.ts';
import { type OutboxRecord, relayOutbox, type RelayPorts } from './relay.ts';

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

/** A stream record as an outbox record; anything else (the filters keep it away) is skipped. */
function outboxRecordOf(record: DynamoDBRecord): OutboxRecord[] {
  const image = record.dynamodb?.NewImage;
  const position = record.dynamodb?.SequenceNumber;
  if (!image || !position || record.eventName !== 'INSERT') return [];
  const entity = image['__edb_e__']?.S;
  if (entity === 'order') {
    const orderId = image['orderId']?.S;
    return orderId && image['status']?.S === 'PENDING' ? [{ position, kind: 'placed', orderId }] : [];
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
