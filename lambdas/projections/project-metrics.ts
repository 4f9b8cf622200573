import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { archiveSink } from '../adapters/archive-sink.ts';
import { metricEventOfImage } from '../adapters/metric-reads.ts';
import { rollupLedger } from '../adapters/metrics-store.ts';
import type { ExpiredEvent, RecordedMetricEvent } from '../domain/metrics.ts';
import { logger } from '../observability.ts';
import { archiveExpiredEvents } from './archive-expired-events.ts';
import { type InsertedEvent, rollUpMetrics } from './roll-up-metrics.ts';

type MetricRecord =
  | { kind: 'inserted'; sequenceNumber: string; event: RecordedMetricEvent }
  | { kind: 'expired'; sequenceNumber: string; event: RecordedMetricEvent }
  | { kind: 'ignored'; sequenceNumber: string };

/** Only DynamoDB's own TTL process deletes as this principal; a deliberate delete is never archived. */
const isTtlDeletion = (record: DynamoDBRecord) =>
  record.userIdentity?.type === 'Service' && record.userIdentity?.principalId === 'dynamodb.amazonaws.com';

/** The event filter already narrows records to these two kinds; anything else is ignored, not failed. */
function readRecord(record: DynamoDBRecord): MetricRecord {
  const sequenceNumber = record.dynamodb?.SequenceNumber ?? '';
  if (record.eventName === 'INSERT') {
    const event = metricEventOfImage(record.dynamodb?.NewImage);
    if (event) return { kind: 'inserted', sequenceNumber, event };
  }
  if (record.eventName === 'REMOVE' && isTtlDeletion(record)) {
    const event = metricEventOfImage(record.dynamodb?.OldImage);
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
  const of = (kind: MetricRecord['kind'], from: readonly MetricRecord[]) =>
    from.flatMap((record) => (record.kind === kind && 'event' in record ? [{ sequenceNumber: record.sequenceNumber, event: record.event }] : []));
  const inserted: InsertedEvent[] = of('inserted', records);
  const failed = await rollUpMetrics(inserted, { rollups: rollupLedger });
  const firstFailed = records.findIndex((record) => failed.has(record.sequenceNumber));
  const settled = firstFailed === -1 ? records : records.slice(0, firstFailed);
  const expired: ExpiredEvent[] = of('expired', settled);
  const objects = await archiveExpiredEvents(expired, { archive: archiveSink });
  if (objects > 0) logger.info('archived expired metric events', { events: expired.length, objects });
  return { batchItemFailures: firstFailed === -1 ? [] : [{ itemIdentifier: records[firstFailed]!.sequenceNumber }] };
};
