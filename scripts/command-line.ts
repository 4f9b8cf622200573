import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Presets, SingleBar } from 'cli-progress';

/** What every operator command (backfill, redrive, …) shares: the sandbox as default target, a progress bar, exit codes. */

/** The endpoints and resource names `GET /_sandbox/info` answers (sandbox/gateway/sandbox-routes.ts). */
export interface SandboxTarget {
  readonly tableName: string;
  readonly dynamodbEndpoint: string;
  readonly sqsEndpoint: string;
  /** Queue URLs by CloudFormation logical id. */
  readonly queues: Readonly<Record<string, string>>;
}

/** Without a deployed target, a command works on the local sandbox: it names its table, queues and endpoints. */
export async function sandboxTarget(sandboxUrl: string, alternative: string): Promise<SandboxTarget> {
  const url = `${sandboxUrl.replace(/\/$/, '')}/_sandbox/info`;
  let response: Response;
  try {
    response = await fetch(url);
  } catch {
    throw new Error(`No sandbox answered at ${url}: start one with npm start, or pass ${alternative}`);
  }
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return (await response.json()) as SandboxTarget;
}

export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

/**
 * A DynamoDB client for bulk work: adaptive client-side backoff and more attempts than a request
 * would make (a bulk job meets throttling). A local endpoint (DynamoDB Local) gets a region and
 * dummy credentials; otherwise the SDK's own (AWS) endpoint, region and credentials are used.
 */
export function bulkDocumentClient(options: { endpoint?: string | undefined; region?: string | undefined }): DynamoDBDocumentClient {
  const local = options.endpoint !== undefined && /^https?:\/\/(localhost|127\.|\[::1\])/.test(options.endpoint);
  return DynamoDBDocumentClient.from(
    new DynamoDBClient({
      retryMode: 'adaptive',
      maxAttempts: 10,
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      ...(options.region ? { region: options.region } : local ? { region: 'us-east-1' } : {}),
      ...(local ? { credentials: LOCAL_CREDENTIALS } : {}),
    }),
    { marshallOptions: { removeUndefinedValues: true } },
  );
}

export function positiveInteger(name: string, text: string | undefined, max: number): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > max) throw new Error(`--${name} must be an integer from 1 to ${max}, not ${text}`);
  return value;
}

/**
 * One bar on stderr (redrawn in a terminal, a line every few seconds otherwise). `format` uses
 * cli-progress placeholders plus the payload's keys. The total may grow (estimates), never shrink
 * below the value: the bar never claims more than 100%.
 */
export function progressBar(format: string) {
  const bar = new SingleBar(
    { stream: process.stderr, format, noTTYOutput: true, notTTYSchedule: 2000, hideCursor: true },
    Presets.shades_classic,
  );
  let started = false;
  return {
    update(value: number, estimatedTotal: number, payload: Record<string, unknown>) {
      const total = Math.max(estimatedTotal, value, 1);
      if (!started) bar.start(total, value, payload);
      else {
        bar.setTotal(total);
        bar.update(value, payload);
      }
      started = true;
    },
    stop: () => started && bar.stop(),
  };
}

/**
 * Ctrl-C (or SIGTERM) aborts the returned signal once: wrappers (npm, tsx) relay the terminal's
 * Ctrl-C, so one keypress can arrive twice. `onStop` runs first (close the progress bar's line).
 */
export function gracefulInterruption(onStop: () => void, message: string): AbortSignal {
  const interruption = new AbortController();
  const stop = () => {
    if (interruption.signal.aborted) return;
    onStop();
    process.stderr.write(`${message}\n`);
    interruption.abort();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return interruption.signal;
}

/** Runs a command's main: its resolved number is the exit status; a failure is one line on stderr and status 1. */
export function runCommand(name: string, main: () => Promise<number>): void {
  main().then(
    (status) => {
      process.exitCode = status;
    },
    (error: unknown) => {
      process.stderr.write(`${name} failed: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
