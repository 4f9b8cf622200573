import { describe, expect, inject, it } from 'vitest';

/**
 * The sandbox's own machinery, through the running sandbox: gateway behaviour that holds whatever
 * the handlers do (routing, the JWT authorizer, API Gateway's error bodies) and the /_sandbox routes.
 */
const url = (path: string) => `${inject('sandboxUrl')}${path}`;

async function json(response: Response): Promise<any> {
  return JSON.parse(await response.text());
}

async function token(body: Record<string, unknown>): Promise<string> {
  const response = await fetch(url('/_sandbox/token'), { method: 'POST', body: JSON.stringify(body) });
  expect(response.status).toBe(200);
  return (await json(response)).token;
}

describe('the sandbox gateway', () => {
  it('routes GET /health to the catalog function', async () => {
    const response = await fetch(url('/health'));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
    expect(response.headers.get('apigw-requestid')).toMatch(/\S+/);
  });

  it('answers an unknown route like API Gateway', async () => {
    const response = await fetch(url('/no/such/route'));
    expect(response.status).toBe(404);
    expect(await json(response)).toEqual({ message: 'Not Found' });
  });

  it('rejects a protected route without a valid bearer token', async () => {
    for (const authorization of [undefined, 'Bearer not-a-jwt', 'Basic abc']) {
      const response = await fetch(url('/me'), { headers: authorization ? { authorization } : {} });
      expect(response.status).toBe(401);
      expect(await json(response)).toEqual({ message: 'Unauthorized' });
    }
  });

  it('accepts the tokens it issues', async () => {
    const issued = await token({ sub: 'sandbox-test-user', email: 'sandbox-test@example.com' });
    const response = await fetch(url('/me'), { headers: { authorization: `Bearer ${issued}` } });
    expect(response.status).not.toBe(401);
    expect(response.status).toBeLessThan(500);
  });

  it('rejects a token request without a subject', async () => {
    const response = await fetch(url('/_sandbox/token'), { method: 'POST', body: JSON.stringify({ admin: true }) });
    expect(response.status).toBe(400);
  });
});

describe('the sandbox routes', () => {
  it('list the order queue and its dead-letter queue with their depths', async () => {
    const { queues } = await json(await fetch(url('/_sandbox/queues')));
    const orderQueue = queues.find((queue: { logicalId: string }) => queue.logicalId.includes('OrderQueue'));
    const deadLetters = queues.find((queue: { logicalId: string }) => queue.logicalId.includes('OrderDlq'));
    expect(orderQueue).toMatchObject({ deadLetterQueue: false, url: expect.stringMatching(/^http:\/\//), arn: expect.stringMatching(/^arn:aws:sqs:/) });
    expect(deadLetters).toMatchObject({ deadLetterQueue: true });
    for (const queue of [orderQueue, deadLetters]) {
      expect(queue).toEqual(expect.objectContaining({ visible: expect.any(Number), inFlight: expect.any(Number), delayed: expect.any(Number) }));
    }
  });

  it('wait until the sandbox is idle', async () => {
    const response = await fetch(url('/_sandbox/idle'), { method: 'POST', body: JSON.stringify({ timeoutMs: 30_000 }) });
    expect(response.status).toBe(200);
    expect(await json(response)).toEqual({ idle: true });
  });

  it('run the TTL sweeper on demand', async () => {
    const response = await fetch(url('/_sandbox/ttl-sweep'), { method: 'POST' });
    expect(response.status).toBe(200);
    expect(await json(response)).toEqual({ deleted: expect.any(Number) });
  });

  it('describe the local endpoints', async () => {
    const info = await json(await fetch(url('/_sandbox/info')));
    expect(info).toMatchObject({
      apiUrl: inject('sandboxUrl'),
      dynamodbEndpoint: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
      sqsEndpoint: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
      s3Endpoint: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
      tableName: expect.any(String),
    });
    expect(Object.keys(info.queues)).toEqual(expect.arrayContaining([expect.stringContaining('OrderQueue')]));
  });

  it("run every function on its template runtime's Node.js major, measured inside a worker thread", async () => {
    const { functions } = await json(await fetch(url('/_sandbox/info')));
    const runtimes = Object.entries(functions as Record<string, { runtime: string; node: string }>);
    expect(runtimes.map(([logicalId]) => logicalId)).toEqual(expect.arrayContaining([expect.stringContaining('SettleOrder'), expect.stringContaining('CatalogApi')]));
    for (const [, { runtime, node }] of runtimes) {
      expect(runtime).toMatch(/^nodejs\d+\.x$/);
      expect(node.split('.')[0]).toBe(/^nodejs(\d+)\.x$/.exec(runtime)![1]);
    }
  });
});
