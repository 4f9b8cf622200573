import type { DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { InvocationOutcome } from '../../../sandbox/functions/protocol.ts';
import { invocationRecord } from '../../../sandbox/pollers/on-failure.ts';
import { Pause } from '../../../sandbox/pollers/pause.ts';
import { failureOf, processStreamBatch, type StreamBatchContext } from '../../../sandbox/pollers/stream-batch.ts';
import type { StreamMappingSpec } from '../../../sandbox/topology/functions.ts';

const record = (sequence: number, createdAt = Math.floor(Date.now() / 1000)): DynamoDBRecord => ({
  eventName: 'INSERT',
  dynamodb: { SequenceNumber: String(sequence), ApproximateCreationDateTime: createdAt },
});
const records = (count: number) => Array.from({ length: count }, (_, index) => record(index + 1));
const sequences = (batch: readonly DynamoDBRecord[]) => batch.map((item) => Number(item.dynamodb!.SequenceNumber));

const mapping: StreamMappingSpec = {
  kind: 'dynamodb-stream',
  logicalId: 'Mapping',
  functionLogicalId: 'Fn',
  tableLogicalId: 'Table',
  streamArn: 'arn:stream',
  startingPosition: 'TRIM_HORIZON',
  batchSize: 100,
  batchingWindowSeconds: 0,
  bisectBatchOnFunctionError: false,
  maximumRetryAttempts: 2,
  maximumRecordAgeSeconds: -1,
  reportBatchItemFailures: false,
  onFailureQueueLogicalId: 'Failures',
  filterPatterns: [],
};

/** Runs a batch against a fake function; retry pauses are skipped. */
async function run(batch: DynamoDBRecord[], settings: Partial<StreamMappingSpec>, respond: (records: DynamoDBRecord[]) => InvocationOutcome) {
  const invocations: number[][] = [];
  const discarded: Array<{ sequences: number[]; condition: string; invokeCount: number }> = [];
  const pause = new Pause();
  pause.for = async () => {};
  const context: StreamBatchContext = {
    mapping: { ...mapping, ...settings },
    invoke: async (delivered) => {
      invocations.push(sequences(delivered));
      return respond(delivered);
    },
    discard: async (failed) => {
      discarded.push({ sequences: sequences(failed.records), condition: failed.condition, invokeCount: failed.invokeCount });
    },
    pause,
    isStopped: () => false,
  };
  await processStreamBatch(batch, context);
  return { invocations, discarded };
}

const ok: InvocationOutcome = { ok: true, payload: null };
const error: InvocationOutcome = { ok: false, error: { errorType: 'Error', errorMessage: 'boom' } };
const poisonAt = (poison: number) => (delivered: DynamoDBRecord[]) => (sequences(delivered).includes(poison) ? error : ok);

describe('processStreamBatch', () => {
  it('invokes once with the whole batch when the function succeeds', async () => {
    expect(await run(records(3), {}, () => ok)).toEqual({ invocations: [[1, 2, 3]], discarded: [] });
  });

  it('retries a failing batch MaximumRetryAttempts times, then sends it to the on-failure destination', async () => {
    const { invocations, discarded } = await run(records(2), {}, () => error);
    expect(invocations).toEqual([[1, 2], [1, 2], [1, 2]]);
    expect(discarded).toEqual([{ sequences: [1, 2], condition: 'RetryAttemptsExhausted', invokeCount: 3 }]);
  });

  it('bisects a failing batch until the poison record is alone, in shard order', async () => {
    const { invocations, discarded } = await run(records(4), { bisectBatchOnFunctionError: true, maximumRetryAttempts: 1 }, poisonAt(3));
    expect(invocations).toEqual([[1, 2, 3, 4], [1, 2], [3, 4], [3], [3], [4]]);
    expect(discarded).toEqual([{ sequences: [3], condition: 'RetryAttemptsExhausted', invokeCount: 2 }]);
  });

  it('retries from the lowest reported failure with ReportBatchItemFailures', async () => {
    let calls = 0;
    const { invocations, discarded } = await run(records(5), { reportBatchItemFailures: true }, () => {
      calls += 1;
      return calls === 1 ? { ok: true, payload: { batchItemFailures: [{ itemIdentifier: '4' }, { itemIdentifier: '3' }] } } : ok;
    });
    expect(invocations).toEqual([[1, 2, 3, 4, 5], [3, 4, 5]]);
    expect(discarded).toEqual([]);
  });

  it('sends records older than MaximumRecordAgeInSeconds to the destination without invoking', async () => {
    const old = Math.floor(Date.now() / 1000) - 120;
    const { invocations, discarded } = await run([record(1, old), record(2)], { maximumRecordAgeSeconds: 60 }, () => ok);
    expect(invocations).toEqual([[2]]);
    expect(discarded).toEqual([{ sequences: [1], condition: 'RecordAgeExceeded', invokeCount: 0 }]);
  });
});

describe('failureOf', () => {
  const batch = records(3);
  it('reads batchItemFailures only with ReportBatchItemFailures', () => {
    const reported: InvocationOutcome = { ok: true, payload: { batchItemFailures: [{ itemIdentifier: '2' }] } };
    expect(failureOf(reported, batch, true)).toEqual({ index: 1, functionError: false });
    expect(failureOf(reported, batch, false)).toBeUndefined();
    expect(failureOf({ ok: true, payload: { batchItemFailures: [] } }, batch, true)).toBeUndefined();
  });

  it('fails the whole batch on an error or an identifier that names no record', () => {
    expect(failureOf(error, batch, true)).toEqual({ index: 0, functionError: true });
    expect(failureOf({ ok: true, payload: { batchItemFailures: [{ itemIdentifier: '9' }] } }, batch, true)).toEqual({ index: 0, functionError: true });
    expect(failureOf({ ok: true, payload: { batchItemFailures: [{}] } }, batch, true)).toEqual({ index: 0, functionError: true });
  });
});

describe('invocationRecord', () => {
  it('describes the discarded batch like Lambda does', () => {
    const failed = [record(7, 1700000000), record(9, 1700000060)];
    const now = new Date('2026-01-01T00:00:00.000Z');
    expect(
      invocationRecord(
        { records: failed, condition: 'RetryAttemptsExhausted', invokeCount: 6, functionArn: 'arn:fn', shardId: 'shard-1', streamArn: 'arn:stream', functionError: true },
        now,
      ),
    ).toEqual({
      requestContext: { requestId: expect.any(String), functionArn: 'arn:fn', condition: 'RetryAttemptsExhausted', approximateInvokeCount: 6 },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      version: '1.0',
      timestamp: '2026-01-01T00:00:00.000Z',
      DDBStreamBatchInfo: {
        shardId: 'shard-1',
        startSequenceNumber: '7',
        endSequenceNumber: '9',
        approximateArrivalOfFirstRecord: '2023-11-14T22:13:20Z',
        approximateArrivalOfLastRecord: '2023-11-14T22:14:20Z',
        batchSize: 2,
        streamArn: 'arn:stream',
      },
    });
  });
});
