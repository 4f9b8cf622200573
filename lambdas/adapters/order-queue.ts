import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { config } from '../config.ts';
import type { SettlementRequest } from '../ports/orders.ts';
import type { SettlementMessage } from '../ports/settlement-message.ts';
import { awsClientOptions } from './client-options.ts';

const sqs = new SQSClient(awsClientOptions);

/** SQS takes at most 10 messages per SendMessageBatch. */
const BATCH = 10;

/**
 * The message body as JSON in ASCII: every character past U+007E is written as its `\uXXXX` escape,
 * which JSON.parse reads back unchanged. SQS refuses a body with some characters (U+FFFE, U+FFFF,
 * unpaired surrogates; decision 0004 met one), and a copied order carries client-chosen strings.
 */
export function messageBody(message: SettlementMessage): string {
  return JSON.stringify(message).replace(/[\u007f-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Puts settlement requests on the order queue, ten per call: the order id, and the copy of the
 * PENDING order when the request has one. Resolves with the order ids SQS did not take (the caller
 * retries those); a call that fails as a whole rejects.
 */
export async function enqueueSettlements(requests: readonly SettlementRequest[]): Promise<string[]> {
  if (!config.orderQueueUrl) throw new Error('ORDER_QUEUE_URL is not configured for this function');
  const failed: string[] = [];
  for (let start = 0; start < requests.length; start += BATCH) {
    const chunk = requests.slice(start, start + BATCH);
    const entries = chunk.map(({ orderId, order }, index) => {
      const message: SettlementMessage = order ? { orderId, order } : { orderId };
      return { Id: String(index), MessageBody: messageBody(message) };
    });
    const { Failed = [] } = await sqs.send(new SendMessageBatchCommand({ QueueUrl: config.orderQueueUrl, Entries: entries }));
    for (const entry of Failed) failed.push(chunk[Number(entry.Id)]!.orderId);
  }
  return failed;
}
