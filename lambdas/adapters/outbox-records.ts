import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import type { OutboxRecord } from '../ports/orders.ts';

/** A stream record as an outbox record; anything else (the filters keep it away) is skipped. */
export function outboxRecordOf(record: DynamoDBRecord): OutboxRecord[] {
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
