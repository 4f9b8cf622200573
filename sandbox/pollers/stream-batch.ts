import type { DynamoDBRecord } from 'aws-lambda';
import type { InvocationOutcome } from '../functions/protocol.ts';
import type { StreamMappingSpec } from '../topology/functions.ts';
import type { FailedBatch } from './on-failure.ts';
import type { Pause } from './pause.ts';

/** Lambda backs off between retries of a failing stream batch; locally, 200 ms doubling up to 5 s. */
const FIRST_RETRY_DELAY_MS = 200;
const MAX_RETRY_DELAY_MS = 5_000;

export interface StreamBatchContext {
  readonly mapping: StreamMappingSpec;
  readonly invoke: (records: DynamoDBRecord[]) => Promise<InvocationOutcome>;
  /** Hands records Lambda gives up on to the on-failure destination. */
  readonly discard: (batch: Omit<FailedBatch, 'functionArn' | 'shardId' | 'streamArn'>) => Promise<void>;
  readonly pause: Pause;
  readonly isStopped: () => boolean;
}

/** Where a batch failed: from `index` on; `functionError` when the function failed (not item failures). */
interface Failure {
  readonly index: number;
  readonly functionError: boolean;
}

interface Attempt {
  readonly records: DynamoDBRecord[];
  /** Retries already made for these records. */
  readonly retries: number;
}

/**
 * Delivers one batch with Lambda's stream error handling, in shard order:
 * - ReportBatchItemFailures: records before the lowest reported sequence number are done; the rest is retried;
 * - a function error (throw, timeout, invalid response) with BisectBatchOnFunctionError: the batch is split
 *   in halves retried separately, first half first, so a poison record ends up alone (bisecting does not
 *   use up retries);
 * - after MaximumRetryAttempts retries, or once records are older than MaximumRecordAgeInSeconds, they
 *   go to the on-failure destination and the shard moves on.
 */
export async function processStreamBatch(records: DynamoDBRecord[], context: StreamBatchContext): Promise<void> {
  const { mapping } = context;
  const pending: Attempt[] = [{ records, retries: 0 }];
  while (pending.length > 0 && !context.isStopped()) {
    const attempt = pending.shift()!;
    const { expired, fresh } = splitByAge(attempt.records, mapping.maximumRecordAgeSeconds);
    if (expired.length > 0) {
      await context.discard({ records: expired, condition: 'RecordAgeExceeded', invokeCount: attempt.retries, functionError: false });
    }
    if (fresh.length === 0) continue;

    const outcome = await context.invoke(fresh);
    if (context.isStopped()) return;
    const failure = failureOf(outcome, fresh, mapping.reportBatchItemFailures);
    if (!failure) continue;

    const failed = fresh.slice(failure.index);
    if (failure.functionError && mapping.bisectBatchOnFunctionError && failed.length > 1) {
      const middle = Math.ceil(failed.length / 2);
      pending.unshift({ records: failed.slice(0, middle), retries: attempt.retries }, { records: failed.slice(middle), retries: attempt.retries });
      continue;
    }
    if (mapping.maximumRetryAttempts >= 0 && attempt.retries >= mapping.maximumRetryAttempts) {
      await context.discard({
        records: failed,
        condition: 'RetryAttemptsExhausted',
        invokeCount: attempt.retries + 1,
        functionError: failure.functionError,
      });
      continue;
    }
    await context.pause.for(Math.min(FIRST_RETRY_DELAY_MS * 2 ** attempt.retries, MAX_RETRY_DELAY_MS));
    pending.unshift({ records: failed, retries: attempt.retries + 1 });
  }
}

/**
 * undefined = the whole batch succeeded. With ReportBatchItemFailures, `batchItemFailures` names failed
 * records by sequence number; an identifier that names no record of the batch fails the whole batch.
 */
export function failureOf(outcome: InvocationOutcome, records: readonly DynamoDBRecord[], reportBatchItemFailures: boolean): Failure | undefined {
  if (!outcome.ok) return { index: 0, functionError: true };
  if (!reportBatchItemFailures) return undefined;
  const failures = (outcome.payload as { batchItemFailures?: unknown } | null)?.batchItemFailures;
  if (failures === undefined || failures === null) return undefined;
  if (!Array.isArray(failures)) return { index: 0, functionError: true };
  if (failures.length === 0) return undefined;
  const indexes = failures.map((failure: unknown) => {
    const identifier = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    return typeof identifier === 'string' ? records.findIndex((record) => record.dynamodb?.SequenceNumber === identifier) : -1;
  });
  if (indexes.some((index) => index < 0)) return { index: 0, functionError: true };
  return { index: Math.min(...indexes), functionError: false };
}

function splitByAge(records: DynamoDBRecord[], maximumAgeSeconds: number): { expired: DynamoDBRecord[]; fresh: DynamoDBRecord[] } {
  if (maximumAgeSeconds < 0) return { expired: [], fresh: records };
  const oldest = Date.now() / 1000 - maximumAgeSeconds;
  const expired = records.filter((record) => (record.dynamodb?.ApproximateCreationDateTime ?? Infinity) < oldest);
  return { expired, fresh: records.filter((record) => !expired.includes(record)) };
}
