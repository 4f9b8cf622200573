import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../../lib/settings.ts';
import { FunctionRegistry } from '../../../sandbox/function-registry.ts';
import { FunctionBundles, bundleWorkerRuntime } from '../../../sandbox/functions/build.ts';
import { functionEnvironment } from '../../../sandbox/functions/environment.ts';
import { checkRuntimes, nodeMajorOf, workerNodeVersion } from '../../../sandbox/functions/runtime.ts';
import { TemplateResolver } from '../../../sandbox/intrinsics.ts';
import { createSandboxLog } from '../../../sandbox/logs.ts';
import { MessageBroker } from '../../../sandbox/services/message-broker.ts';
import type { FunctionSpec } from '../../../sandbox/topology/functions.ts';

/** Functions run for real here: esbuild bundles, worker threads, and fauxqs for the AWS SDK check. */
const workDir = mkdtempSync(join(tmpdir(), 'sandbox-functions-test-'));
const source = (file: string, code: string) => writeFileSync(join(workDir, file), code);
const spec = (logicalId: string, entry: string, timeoutSeconds = 3): FunctionSpec => ({
  logicalId,
  name: `Commerce-${logicalId}`,
  arn: `arn:aws:lambda:us-east-1:000000000000:function:Commerce-${logicalId}`,
  entry,
  handlerExport: 'handler',
  runtime: 'nodejs24.x',
  memoryMb: 256,
  timeoutSeconds,
  logGroupName: `/aws/lambda/Commerce-${logicalId}`,
  environment: { GREETING: 'hello' },
});

source('value.ts', "export const value = 'one';\n");
source(
  'handler.ts',
  `import { value } from './value.ts';
export const handler = async (event: { sleep?: number; fail?: boolean }, context: any) => {
  if (event.fail) throw new TypeError('bad input');
  if (event.sleep) await new Promise((resolve) => setTimeout(resolve, event.sleep));
  return { value, greeting: process.env.GREETING, leaked: process.env.HOST_ONLY ?? null, functionName: context.functionName,
    remaining: context.getRemainingTimeInMillis(), memory: context.memoryLimitInMB, requestId: context.awsRequestId,
    node: process.versions.node };
};
`,
);

// A slow init (module top level) of 1.5 s, longer than the function's 1 s Timeout.
source(
  'slow-init.ts',
  `await new Promise((resolve) => setTimeout(resolve, 1500));
export const handler = async (_event: unknown, context: any) => ({ remaining: context.getRemainingTimeInMillis(), appId: process.env.AWS_SDK_UA_APP_ID });
`,
);

const specs = [
  spec('Local', relative(projectRoot, join(workDir, 'handler.ts')), 1),
  spec('SlowInit', relative(projectRoot, join(workDir, 'slow-init.ts')), 1),
  spec('AwsClients', 'test/unit/sandbox/fixtures/aws-clients-handler.ts'),
];
let broker: MessageBroker;
let bundles: FunctionBundles;
let functions: FunctionRegistry;

beforeAll(async () => {
  broker = await MessageBroker.start();
  const queueUrls = broker.provision([{ logicalId: 'Q', name: 'q', arn: 'arn:aws:sqs:us-east-1:000000000000:q', attributes: {}, deadLetterTargetArn: undefined }], [{ logicalId: 'B', name: 'bucket' }], undefined);
  bundles = new FunctionBundles(specs, join(workDir, 'build'));
  expect(await bundles.prepare()).toBeUndefined();
  const endpoints = { dynamodb: 'http://127.0.0.1:1', sqs: broker.queueHostEndpoint, s3: broker.endpoint };
  const resolver = new TemplateResolver({ Resources: {} });
  const environments = Object.fromEntries(specs.map((fn) => [fn.logicalId, functionEnvironment(fn, resolver, endpoints, { GREETING: 'overridden' })]));
  environments['AwsClients'] = { ...environments['AwsClients'], QUEUE_URL: queueUrls['Q']!, BUCKET: 'bucket' };
  process.env['HOST_ONLY'] = 'not for functions';
  functions = new FunctionRegistry({
    specs,
    bundles,
    runtimePath: await bundleWorkerRuntime(join(workDir, 'build')),
    environments,
    maxEnvironments: {},
    log: createSandboxLog(false),
  });
}, 60_000);

afterAll(async () => {
  delete process.env['HOST_ONLY'];
  await functions.stop();
  await bundles.dispose();
  await broker.stop();
  rmSync(workDir, { recursive: true, force: true });
});

describe('sandbox functions', () => {
  it('run in their own worker with their own environment and a Lambda context', async () => {
    const outcome = await functions.invoke('Local', {});
    expect(outcome).toEqual({
      ok: true,
      payload: {
        value: 'one',
        greeting: 'overridden',
        leaked: null,
        functionName: 'Commerce-Local',
        remaining: expect.any(Number),
        memory: '256',
        requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        node: expect.any(String),
      },
    });
  });

  it("run on the Node.js major of their template runtime, the version the sandbox reports", async () => {
    const outcome = await functions.invoke('Local', {});
    const node = outcome.ok ? (outcome.payload as { node: string }).node : '';
    expect(Number(node.split('.')[0])).toBe(nodeMajorOf(specs[0]!.runtime));
    expect(checkRuntimes(specs, await workerNodeVersion())['Local']).toEqual({ runtime: 'nodejs24.x', node });
  });

  it('report a thrown error as a function error', async () => {
    expect(await functions.invoke('Local', { fail: true })).toEqual({
      ok: false,
      error: { errorType: 'TypeError', errorMessage: 'bad input', trace: expect.any(Array) },
    });
  });

  it('time out after the function timeout', async () => {
    expect(await functions.invoke('Local', { sleep: 5_000 })).toEqual({
      ok: false,
      error: { errorType: 'Sandbox.Timedout', errorMessage: 'Task timed out after 1.00 seconds' },
    });
  });

  it('time the init phase on its own, as Lambda does: a slow init does not use up the Timeout', async () => {
    const outcome = await functions.invoke('SlowInit', {});
    expect(outcome).toMatchObject({ ok: true, payload: { appId: 'SlowInit.1' } });
    expect((outcome as { payload: { remaining: number } }).payload.remaining).toBeGreaterThan(800);
  });

  it('crash one execution environment on demand (fault injection), failing its invocation', async () => {
    const running = functions.invoke('Local', { sleep: 2_000 });
    // Environments are named <logicalId>.<n>; the earlier timeout discarded the first ones.
    let crashed = false;
    for (let attempt = 0; attempt < 100 && !crashed; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      crashed = [1, 2, 3, 4, 5].some((n) => functions.crash(`Local.${n}`));
    }
    expect(crashed).toBe(true);
    expect(await running).toMatchObject({ ok: false, error: { errorType: 'Runtime.ExitError' } });
  });

  it('pick up an edited import on the next invocation', async () => {
    source('value.ts', "export const value = 'two';\n");
    expect(await functions.invoke('Local', {})).toMatchObject({ ok: true, payload: { value: 'two' } });
  });

  it('reach the local SQS and S3 through AWS_ENDPOINT_URL_* with unconfigured SDK clients', async () => {
    expect(await functions.invoke('AwsClients', {})).toEqual({ ok: true, payload: { message: 'ping', object: '{"stored":true}' } });
  });
});
