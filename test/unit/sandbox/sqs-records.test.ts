import { describe, expect, it } from 'vitest';
import type { InvocationOutcome } from '../../../sandbox/functions/protocol.ts';
import { succeededRecords, toSqsRecord } from '../../../sandbox/pollers/sqs.ts';

const queueArn = 'arn:aws:sqs:us-east-1:000000000000:Commerce-OrderQueue';
const message = (id: string) => ({ MessageId: id, ReceiptHandle: `rh-${id}`, Body: `{"id":"${id}"}`, MD5OfBody: 'md5', Attributes: { ApproximateReceiveCount: '1' } });

describe('toSqsRecord', () => {
  it('builds the record Lambda delivers', () => {
    const record = toSqsRecord(
      {
        ...message('m-1'),
        MD5OfMessageAttributes: 'md5-attributes',
        MessageAttributes: { kind: { DataType: 'String', StringValue: 'order' }, raw: { DataType: 'Binary', BinaryValue: new Uint8Array([1, 2]) } },
      },
      queueArn,
    );
    expect(record).toEqual({
      messageId: 'm-1',
      receiptHandle: 'rh-m-1',
      body: '{"id":"m-1"}',
      attributes: { ApproximateReceiveCount: '1' },
      messageAttributes: {
        kind: { stringValue: 'order', binaryValue: undefined, stringListValues: [], binaryListValues: [], dataType: 'String' },
        raw: { stringValue: undefined, binaryValue: 'AQI=', stringListValues: [], binaryListValues: [], dataType: 'Binary' },
      },
      md5OfBody: 'md5',
      md5OfMessageAttributes: 'md5-attributes',
      eventSource: 'aws:sqs',
      eventSourceARN: queueArn,
      awsRegion: 'us-east-1',
    });
  });
});

describe('succeededRecords', () => {
  const records = ['a', 'b', 'c'].map((id) => toSqsRecord(message(id), queueArn));
  const ids = (outcome: InvocationOutcome, report = true) => succeededRecords(outcome, records, report).map((record) => record.messageId);

  it('deletes the whole batch on success and nothing on error', () => {
    expect(ids({ ok: true, payload: null })).toEqual(['a', 'b', 'c']);
    expect(ids({ ok: false, error: { errorType: 'Error', errorMessage: 'x' } })).toEqual([]);
  });

  it('keeps the reported failures with ReportBatchItemFailures', () => {
    const outcome: InvocationOutcome = { ok: true, payload: { batchItemFailures: [{ itemIdentifier: 'b' }] } };
    expect(ids(outcome)).toEqual(['a', 'c']);
    expect(ids(outcome, false)).toEqual(['a', 'b', 'c']);
  });

  it('treats an invalid report as a failure of the whole batch', () => {
    expect(ids({ ok: true, payload: { batchItemFailures: [{ itemIdentifier: 'zzz' }] } })).toEqual([]);
    expect(ids({ ok: true, payload: { batchItemFailures: 'b' } })).toEqual([]);
  });
});
