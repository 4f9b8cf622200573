import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { GetQueueAttributesCommand, PurgeQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../lib/settings.ts';
import { baseUrl, call, idle, info, queueUrl, unique } from './client.ts';
import { customer, placeOrder, stockedProduct, stockOf } from './fixtures.ts';

/**
 * An order whose settlement message was dead-lettered is moved back by `npm run redrive` and
 * settles; a dry run moves nothing and a second run finds nothing to do. (The backstop would settle
 * it too, later: the test sandbox runs it only when asked.)
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
  sqs = new SQSClient({ endpoint: (await info()).sqsEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  dlq = await queueUrl('OrderDlq');
  // Other test files leave poison messages here on purpose (they would come back after each redrive).
  await sqs.send(new PurgeQueueCommand({ QueueUrl: dlq }));
});
afterAll(() => sqs?.destroy());

const waitingInDlq = async () =>
  Number((await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq, AttributeNames: ['ApproximateNumberOfMessages'] }))).Attributes?.ApproximateNumberOfMessages);

/**
 * A PENDING order whose settlement message was dead-lettered, made as it happens: the worker's
 * DynamoDB calls all fail (injected), so every delivery fails — even the rejection on the last one —
 * until SQS moves the message to the DLQ. Then the cause is "fixed" (the fault removed).
 */
async function deadLetteredOrder(token: string, productId: string): Promise<string> {
  const fault = await call('POST', '/_sandbox/faults', { body: { service: 'dynamodb', function: 'SettleOrder', count: 100_000 } });
  expect(fault.status).toBe(200);
  try {
    const placed = await placeOrder(token, [{ productId, quantity: 2 }]);
    expect(placed.status).toBe(202);
    const deadline = Date.now() + 90_000;
    while ((await waitingInDlq()) < 1) {
      if (Date.now() > deadline) throw new Error('the order message never reached the DLQ');
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    return placed.body.orderId as string;
  } finally {
    await call('DELETE', '/_sandbox/faults');
  }
}

describe('npm run redrive on the sandbox', () => {
  it('moves a dead-lettered order back to the order queue, where it settles; a second run moves nothing', async () => {
    const { token } = await customer();
    const productId = await stockedProduct(700, { w1: 5 });
    const orderId = await deadLetteredOrder(token, productId);
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
