import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expectConforms } from './openapi-conformance.ts';
import { BACKSTOP_TIMEOUT_SECONDS, expectSettledOnce, recordedOrders, untilAllFinal } from './settling.ts';

/**
 * SPEC §5: killing the sandbox at any instant — even with SIGKILL — and starting it again on the same
 * state directory loses no accepted order. Its queues live in memory, so the restarted sandbox must
 * re-derive the work from the table: the outbox resumes the stream from its checkpoint and the
 * backstop re-drives whatever was on a queue that died. (DynamoDB Local itself is stopped
 * gracefully by its watchdog: killed at once, it would lose its last acknowledged writes.)
 */
const running = new Set<ChildProcess>();
let dataDir: string | undefined;

afterAll(async () => {
  for (const child of running) killGroup(child, 'SIGKILL');
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // already gone
  }
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  return port;
}

/** `npm start`'s own entry, in its own process group (with DynamoDB Local under it), on `dir`. */
async function startSandboxProcess(dir: string, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'sandbox/main.ts'], {
    cwd: join(import.meta.dirname, '../..'),
    env: { ...process.env, PORT: String(port), SANDBOX_DATA_DIR: dir, PENDING_ORDER_TIMEOUT_SECONDS: String(BACKSTOP_TIMEOUT_SECONDS) },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`sandbox did not start:\n${output}`)), 150_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Commerce sandbox ready')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`sandbox exited with ${code}:\n${output}`)));
  });
  return child;
}

async function api<T = any>(base: string, method: string, path: string, token?: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  expectConforms(method, path, response, text);
  return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
}

describe('a sandbox killed with SIGKILL mid-burst', () => {
  it('brings every accepted order to a final state once started again on its state', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'commerce-restart-'));
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const first = await startSandboxProcess(dataDir, port);

    const token = async (sub: string, admin = false) => (await api<{ token: string }>(base, 'POST', '/_sandbox/token', undefined, { sub, admin })).body.token;
    const adminToken = await token('admin-restart', true);
    const productId = `p-restart-${Date.now().toString(36)}`;
    expect((await api(base, 'PUT', `/products/${productId}`, adminToken, { name: 'Restart cup', priceCents: 300 })).status).toBe(200);
    expect((await api(base, 'PUT', `/products/${productId}/inventory/w1`, adminToken, { available: 500 })).status).toBe(200);
    const userId = `u-restart-${Date.now().toString(36)}`;
    const customerToken = await token(userId);

    // A burst of orders; the sandbox process is killed with SIGKILL after the first 30 answers.
    const accepted: string[] = [];
    let answered = 0;
    let sent = 0;
    const killed = new Promise<void>((resolve) => first.once('exit', () => resolve()));
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (sent < 200) {
          sent += 1;
          try {
            const reply = await api(base, 'POST', '/orders', customerToken, { items: [{ productId, quantity: 1 }], paymentToken: 'tok_ok' }, { 'idempotency-key': `restart-${sent}-${userId}` });
            if (reply.status === 202) accepted.push(reply.body.orderId);
          } catch {
            return; // the sandbox is gone
          }
          answered += 1;
          if (answered === 30) first.kill('SIGKILL');
        }
      }),
    );
    await killed;
    console.log(`killed after ${answered} answers, ${accepted.length} accepted`);
    expect(accepted.length).toBeGreaterThanOrEqual(30);

    await startSandboxProcess(dataDir, port);
    console.log('restarted');
    const { dynamodbEndpoint, tableName } = (await api(base, 'GET', '/_sandbox/info')).body;
    const recorded = await recordedOrders(dynamodbEndpoint, tableName, [userId]);
    expect(recorded).toEqual(expect.arrayContaining(accepted));
    const { states, events } = await untilAllFinal(recorded, { baseUrl: base });
    expectSettledOnce(states, events);
    const confirmed = [...states.values()].filter((state) => state.status === 'CONFIRMED').length;
    expect(confirmed).toBe(recorded.length);
    const stock = await api<{ total: number }>(base, 'GET', `/products/${productId}/inventory`, adminToken);
    expect(stock.body.total).toBe(500 - confirmed);
  }, 300_000);
});
