import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { putArchiveObject } from '../adapters/archive-sink.ts';
import { mapBounded } from '../domain/batching.ts';
import { archiveObjects, type ExpiredEvent } from '../domain/metrics.ts';
import { MetricEvent, type MetricEventItem } from '../model/metric-event.ts';
import { logger } from '../observability.ts';
import { type InsertedEvent, rollUp } from './metric-rollups.ts';

/** Archive objects written at once. */
const ARCHIVE_CONCURRENCY = 4;

type MetricRecord =
  | { kind: 'inserted'; sequenceNumber: string; event: MetricEventItem }
  | { kind: 'expired'; sequenceNumber: string; event: MetricEventItem }
  | { kind: 'ignored'; sequenceNumber: string };

function metricEventOf(image: unknown): MetricEventItem | null {
  if (!image) return null;
  return MetricEvent.parse({ Item: unmarshall(image as Record<string, AttributeValue>) }).data;
}

/** Only DynamoDB's own TTL process deletes as this principal; a deliberate delete is never archived. */
const isTtlDeletion = (record: DynamoDBRecord) =>
  record.userIdentity?.type === 'Service' && record.userIdentity?.principalId === 'dynamodb.amazonaws.com';

/** The event filter already narrows records to these two kinds; anything else is ignored, not failed. */
function readRecord(record: DynamoDBRecord): MetricRecord {
  const sequenceNumber = record.dynamodb?.SequenceNumber ?? '';
  if (record.eventName === 'INSERT') {
    const event = metricEventOf(record.dynamodb?.NewImage);
    if (event) return { kind: 'inserted', sequenceNumber, event };
  }
  if (record.eventName === 'REMOVE' && isTtlDeletion(record)) {
    const event = metricEventOf(record.dynamodb?.OldImage);
    if (event) return { kind: 'expired', sequenceNumber, event };
  }
  return { kind: 'ignored', sequenceNumber };
}

/**
 * New metric events → hourly rollups (AP13), exactly once; expired ones (TTL REMOVE records) →
 * the S3 archive, exactly once. Lambda redelivers a batch from its first reported failure on, so
 * only the records before it are archived: a record is never written under two objects' keys. A
 * failed archive write fails the whole batch, whose retry rewrites the same keys.
 */
export const handler = async (event: DynamoDBStreamEvent, context: Context): Promise<DynamoDBBatchResponse> => {
  logger.addContext(context);
  const records = event.Records.map(readRecord);
  const inserted: InsertedEvent[] = records.flatMap((record) => (record.kind === 'inserted' ? [{ sequenceNumber: record.sequenceNumber, event: record.event }] : []));
  const failed = await rollUp(inserted);
  const firstFailed = records.findIndex((record) => failed.has(record.sequenceNumber));
  const settled = firstFailed === -1 ? records : records.slice(0, firstFailed);
  const expired: ExpiredEvent[] = settled.flatMap((record) => (record.kind === 'expired' ? [{ sequenceNumber: record.sequenceNumber, event: record.event }] : []));
  const objects = archiveObjects(expired);
  await mapBounded(objects, ARCHIVE_CONCURRENCY, putArchiveObject);
  if (objects.length > 0) logger.info('archived expired metric events', { events: expired.length, objects: objects.length });
  return { batchItemFailures: firstFailed === -1 ? [] : [{ itemIdentifier: records[firstFailed]!.sequenceNumber }] };
};
