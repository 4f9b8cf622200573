import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { z } from 'zod';
import { config } from '../config.ts';
import { tracer } from '../observability.ts';

const sqs = tracer.captureAWSv3Client(new SQSClient({}));

/** The message that asks the worker to settle an order. The token never touches the table. */
export const settlementMessageSchema = z.object({
  orderId: z.string().min(1),
  paymentToken: z.string().min(1),
});
export type SettlementMessage = z.infer<typeof settlementMessageSchema>;

export async function enqueueSettlement(message: SettlementMessage): Promise<void> {
  if (!config.orderQueueUrl) throw new Error('ORDER_QUEUE_URL is not configured for this function');
  await sqs.send(new SendMessageCommand({ QueueUrl: config.orderQueueUrl, MessageBody: JSON.stringify(message) }));
}
