import { SandboxBusyError } from '../errors.ts';
import type { EventBusEmulator } from '../event-bus.ts';
import type { FaultRule } from '../faults/plan.ts';
import type { CapturedEmail } from '../services/bus-and-mail.ts';
import { handleEventRoute } from './event-routes.ts';
import type { ScheduleRun } from '../schedules.ts';
import type { FunctionRuntime } from '../functions/runtime.ts';
import type { TokenRequest } from './jwt.ts';
import type { GatewayResponse } from './payload-v2.ts';

export interface QueueDepth {
  readonly name: string;
  readonly logicalId: string;
  readonly url: string;
  readonly arn: string;
  readonly visible: number;
  readonly inFlight: number;
  readonly delayed: number;
  /** A redrive target or an on-failure destination: messages there are outcomes, not pending work. */
  readonly deadLetterQueue: boolean;
}

export interface SandboxInfo {
  readonly apiUrl: string;
  readonly dynamodbEndpoint: string;
  readonly sqsEndpoint: string;
  readonly s3Endpoint: string;
  /** The local EventBridge and SES v2 endpoints (PutEvents, SendEmail), without the recording proxy. */
  readonly eventsEndpoint: string;
  readonly sesEndpoint: string;
  readonly tableName: string;
  readonly queues: Readonly<Record<string, string>>;
  readonly buckets: Readonly<Record<string, string>>;
  /** Each function's template runtime and the Node.js version measured inside a worker thread, by logical id. */
  readonly functions: Readonly<Record<string, FunctionRuntime>>;
}

/** What the `/_sandbox/*` routes can ask of the running sandbox. */
export interface SandboxControl {
  issueToken(request: TokenRequest): Promise<string>;
  queueDepths(): QueueDepth[];
  sweepTtl(): Promise<number>;
  waitUntilIdle(options: { timeoutMs?: number }): Promise<void>;
  info(): SandboxInfo;
  /** Fires every scheduled rule of the template now. */
  runSchedules(): Promise<ScheduleRun[]>;
  faults: {
    add(rule: FaultRule): void;
    clear(): void;
    pending(): FaultRule[];
    pause(service: string, ms: number): void;
  };
  /** `service:Operation` names each function called so far, and the IAM permissions those calls need. */
  calls(): { calls: Record<string, string[]>; permissions: Record<string, string[]> };
  /** The event bus: its events, rules, and replays of its archive. */
  events: Pick<EventBusEmulator, 'events' | 'rules' | 'addRule' | 'replay'>;
  /** Every email SES took. */
  mail(): CapturedEmail[];
  /** Enables or disables the event source mappings of the functions whose logical id starts with the name; throws if none. */
  setMappingsEnabled(functionName: string, enabled: boolean): void;
}

/** `/_sandbox/*`: tokens, queue depths, TTL sweeps, idle waits and endpoints, for developers and tests. */
export async function handleSandboxRoute(method: string, path: string, body: Buffer, control: SandboxControl): Promise<GatewayResponse> {
  const input = parseJson(body);
  if (input === undefined) return json(400, { message: 'The body must be a JSON object' });
  if (path === '/_sandbox/mail' || path === '/_sandbox/events' || path.startsWith('/_sandbox/events/')) return handleEventRoute(method, path, input, control);
  switch (`${method} ${path}`) {
    case 'POST /_sandbox/token': {
      const { sub, email, admin } = input;
      if (typeof sub !== 'string' || sub === '') return json(400, { message: '`sub` (a non-empty string) is required' });
      if (email !== undefined && typeof email !== 'string') return json(400, { message: '`email` must be a string' });
      return json(200, { token: await control.issueToken({ sub, email, admin: admin === true }) });
    }
    case 'GET /_sandbox/queues':
      return json(200, { queues: control.queueDepths() });
    case 'POST /_sandbox/ttl-sweep':
      return json(200, { deleted: await control.sweepTtl() });
    case 'POST /_sandbox/idle': {
      const { timeoutMs } = input;
      try {
        await control.waitUntilIdle(typeof timeoutMs === 'number' ? { timeoutMs } : {});
        return json(200, { idle: true });
      } catch (error) {
        if (error instanceof SandboxBusyError) return json(504, { idle: false, busy: error.busy, message: error.message });
        throw error;
      }
    }
    case 'GET /_sandbox/info':
      return json(200, control.info());
    case 'POST /_sandbox/schedules':
      return json(200, { runs: await control.runSchedules() });
    case 'POST /_sandbox/faults':
      return addFault(input, control);
    case 'GET /_sandbox/faults':
      return json(200, { faults: control.faults.pending() });
    case 'DELETE /_sandbox/faults':
      control.faults.clear();
      return json(200, { faults: [] });
    case 'GET /_sandbox/calls':
      return json(200, control.calls());
    case 'POST /_sandbox/mappings': {
      const { function: fn, enabled } = input;
      if (typeof fn !== 'string' || fn === '') return json(400, { message: '`function` (a function logical id or its prefix) is required' });
      if (typeof enabled !== 'boolean') return json(400, { message: '`enabled` must be true or false' });
      try {
        control.setMappingsEnabled(fn, enabled);
      } catch (problem) {
        return json(404, { message: (problem as Error).message });
      }
      return json(200, { function: fn, enabled });
    }
    default:
      return json(404, { message: 'Not Found' });
  }
}

const FAULT_SERVICES = new Set(['dynamodb', 'sqs', 'events', 'ses']);

/**
 * `{service, operation?, function?, count?, error?}` fails the next `count` matching calls;
 * `{service, operation?, function?, crash: true}` lets the call through, then kills its caller;
 * `{service: "dynamodb", pauseMs}` freezes the service. See docs/sandbox.md.
 */
function addFault(input: Record<string, unknown>, control: SandboxControl): GatewayResponse {
  const { service, operation, function: fn, count = 1, error = 'internal', crash, pauseMs } = input;
  if (typeof service !== 'string' || !FAULT_SERVICES.has(service)) return json(400, { message: '`service` must be "dynamodb", "sqs", "events" or "ses"' });
  if (pauseMs !== undefined) {
    if (typeof pauseMs !== 'number' || pauseMs <= 0 || pauseMs > 300_000) return json(400, { message: '`pauseMs` must be 1..300000' });
    try {
      control.faults.pause(service, pauseMs);
    } catch (problem) {
      return json(400, { message: (problem as Error).message });
    }
    return json(200, { paused: service, ms: pauseMs });
  }
  if (operation !== undefined && typeof operation !== 'string') return json(400, { message: '`operation` must be an API name such as SendMessageBatch' });
  if (fn !== undefined && typeof fn !== 'string') return json(400, { message: '`function` must be (part of) a function logical id' });
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 1) return json(400, { message: '`count` must be a positive integer' });
  const matcher = { service, operation, function: fn, remaining: count };
  if (crash === true) {
    if (fn === undefined) return json(400, { message: 'a crash needs the `function` to crash' });
    control.faults.add({ kind: 'crash', ...matcher });
  } else {
    if (error !== 'internal' && error !== 'throttle') return json(400, { message: '`error` must be "internal" or "throttle"' });
    control.faults.add({ kind: 'fail', error, ...matcher });
  }
  return json(200, { faults: control.faults.pending() });
}

/** An empty body reads as `{}`; anything but a JSON object is undefined. */
function parseJson(body: Buffer): Record<string, unknown> | undefined {
  if (body.length === 0) return {};
  try {
    const value: unknown = JSON.parse(body.toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export function json(statusCode: number, value: unknown): GatewayResponse {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify(value)) };
}
