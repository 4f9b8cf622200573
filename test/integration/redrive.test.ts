import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { GetQueueAttributesCommand, PurgeQueueCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../lib/settings.ts';
import { baseUrl, call, idle, info, queueUrl, unique } from './client.ts';
import { customer, stockedProduct, stockOf } from './fixtures.ts';
import { inProcess } from './in-process.ts';

/**
 * An order whose settlement message was dead-lettered (here: put in the DLQ directly, the order
 * left PENDING as if every attempt had failed before the cause was fixed) is moved back by
 * `npm run redrive` and settles; a dry run moves nothing and a second run finds nothing to do.
 */
const run = promisify(execFile);
const redrive = (args: string[]) =>
  run('npm', ['run', '--silent', 'redrive', '--', '--sandbox', baseUrl(), ...args], {
    cwd: projectRoot,
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });

let sqs: SQSClient;
let dlq: string;
beforeAll(async () => {
  await inProcess();
  sqs = new SQSClient({ endpoint: (await info()).sqsEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  dlq = await queueUrl('OrderDlq');
  // Other test files leave poison messages here on purpose (they would come back after each redrive).
  await sqs.send(new PurgeQueueCommand({ QueueUrl: dlq }));
});
afterAll(() => sqs?.destroy());

const waitingInDlq = async () =>
  Number((await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq, AttributeNames: ['ApproximateNumberOfMessages'] }))).Attributes?.ApproximateNumberOfMessages);

/** A PENDING order recorded as POST /orders records it, whose message sits in the order DLQ. */
async function deadLetteredOrder(userId: string, productId: string): Promise<string> {
  const { recordPlacedOrder } = await import('../../lambdas/adapters/order-store.ts');
  const orderId = ulid();
  const createdAt = new Date().toISOString();
  const recorded = await recordPlacedOrder(
    { orderId, userId, items: [{ productId, quantity: 2 }], day: createdAt.slice(0, 10), shard: 0, createdAt },
    { key: unique('idem'), requestHash: 'redrive-test', ttl: Math.floor(Date.now() / 1000) + 3600 },
  );
  expect(recorded).toBe(true);
  await sqs.send(new SendMessageCommand({ QueueUrl: dlq, MessageBody: JSON.stringify({ orderId, paymentToken: 'tok_ok' }) }));
  return orderId;
}

describe('npm run redrive on the sandbox', () => {
  it('moves a dead-lettered order back to the order queue, where it settles; a second run moves nothing', async () => {
    const { userId, token } = await customer();
    const productId = await stockedProduct(700, { w1: 5 });
    const orderId = await deadLetteredOrder(userId, productId);
    const status = async () => (await call('GET', `/orders/${orderId}`, { token })).body.status;

    const dry = await redrive(['--dry-run']);
    expect(dry.stdout).toMatch(/would move 1 messages from \S*OrderDlq\S* to \S*OrderQueue/);
    await idle();
    expect(await status()).toBe('PENDING');
    expect(await waitingInDlq()).toBe(1);

    const moved = await redrive([]);
    expect(moved.stdout).toMatch(/redrive: 1 moved, 0 failed, of 1 waiting in \S*OrderDlq/);
    expect(moved.stderr).toMatch(/messages/); // the progress bar
    await idle();
    expect(await status()).toBe('CONFIRMED');
    expect(await stockOf(productId)).toBe(3);
    expect(await waitingInDlq()).toBe(0);

    const again = await redrive([]);
    expect(again.stdout).toMatch(/redrive: 0 moved, 0 failed, of 0 waiting/);
    await idle();
    expect(await stockOf(productId)).toBe(3);
  });

  it('documents itself and names what it could not find', async () => {
    expect((await redrive(['--help'])).stdout).toMatch(/--stack NAME[\s\S]*--dry-run/);
    await expect(redrive(['--queue', 'NoSuchQueue'])).rejects.toMatchObject({ code: 1, stderr: expect.stringMatching(/no dead-letter queue like NoSuchQueue/) });
  });
});
