import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBRecord } from 'aws-lambda';
import { randomUUID } from 'node:crypto';

type FailureCondition = 'RetryAttemptsExhausted' | 'RecordAgeExceeded';

export interface FailedBatch {
  readonly records: readonly DynamoDBRecord[];
  readonly condition: FailureCondition;
  readonly invokeCount: number;
  readonly functionArn: string;
  readonly shardId: string;
  readonly streamArn: string;
  /** Whether the last attempt ended in a function error (rather than reported item failures). */
  readonly functionError: boolean;
}

/**
 * The invocation record Lambda sends to a stream mapping's on-failure destination: it describes the
 * discarded batch (shard and sequence range), it does not carry the records themselves.
 */
export function invocationRecord(batch: FailedBatch, now = new Date()): Record<string, unknown> {
  const first = batch.records[0]?.dynamodb;
  const last = batch.records.at(-1)?.dynamodb;
  const arrival = (epochSeconds: number | undefined) => new Date((epochSeconds ?? 0) * 1000).toISOString().replace('.000Z', 'Z');
  return {
    requestContext: {
      requestId: randomUUID(),
      functionArn: batch.functionArn,
      condition: batch.condition,
      approximateInvokeCount: batch.invokeCount,
    },
    responseContext: {
      statusCode: 200,
      executedVersion: '$LATEST',
      ...(batch.functionError ? { functionError: 'Unhandled' } : {}),
    },
    version: '1.0',
    timestamp: now.toISOString(),
    DDBStreamBatchInfo: {
      shardId: batch.shardId,
      startSequenceNumber: first?.SequenceNumber,
      endSequenceNumber: last?.SequenceNumber,
      approximateArrivalOfFirstRecord: arrival(first?.ApproximateCreationDateTime),
      approximateArrivalOfLastRecord: arrival(last?.ApproximateCreationDateTime),
      batchSize: batch.records.length,
      streamArn: batch.streamArn,
    },
  };
}

/** An SQS on-failure destination. */
export class OnFailureQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async send(batch: FailedBatch): Promise<void> {
    await this.client.send(new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: JSON.stringify(invocationRecord(batch)) }));
  }
}
