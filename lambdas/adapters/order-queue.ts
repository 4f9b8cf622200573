import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { config } from '../config.ts';
import type { SettlementMessage } from '../ports/settlement-message.ts';
import { awsClientOptions } from './client-options.ts';

const sqs = new SQSClient(awsClientOptions);

/** SQS takes at most 10 messages per SendMessageBatch. */
const BATCH = 10;

/**
 * Puts settlement requests on the order queue, ten per call. Resolves with the order ids SQS did not
 * take (the caller retries those); a call that fails as a whole rejects.
 */
export async function enqueueSettlements(orderIds: readonly string[]): Promise<string[]> {
  if (!config.orderQueueUrl) throw new Error('ORDER_QUEUE_URL is not configured for this function');
  const failed: string[] = [];
  for (let start = 0; start < orderIds.length; start += BATCH) {
    const chunk = orderIds.slice(start, start + BATCH);
    const entries = chunk.map((orderId, index) => {
      const message: SettlementMessage = { orderId };
      return { Id: String(index), MessageBody: JSON.stringify(message) };
    });
    const { Failed = [] } = await sqs.send(new SendMessageBatchCommand({ QueueUrl: config.orderQueueUrl, Entries: entries }));
    for (const entry of Failed) failed.push(chunk[Number(entry.Id)]!);
  }
  return failed;
}
