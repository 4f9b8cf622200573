import { once } from 'node:events';
import { createServer, request, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SandboxLog } from '../logs.ts';
import { permissionsOf } from './iam-actions.ts';
import type { AwsCall, FailRule, FaultPlan } from './plan.ts';

export interface ServiceProxy {
  /** Port the functions' SDK clients are pointed at instead of the emulator's. */
  readonly port: number;
  stop(): Promise<void>;
}

interface ProxyOptions {
  /** `dynamodb`, `sqs`, `s3`, `events`, `ses`: how faults name the service. */
  readonly service: string;
  readonly upstream: { readonly host: string; readonly port: number };
  readonly plan: FaultPlan;
  /** Ends the execution environment that made a call (a crash rule). */
  readonly crash: (environment: string) => void;
  readonly log: SandboxLog;
}

/**
 * A pass-through HTTP proxy in front of an emulator, between the functions and the service: it
 * records which function called which API (the SDK's user agent carries the caller, see
 * `AWS_SDK_UA_APP_ID` in functions/pool.ts) and applies the fault plan — an error instead of the
 * call, or a crash of the caller once the service did the work — with no branch in function code.
 */
export async function startServiceProxy(options: ProxyOptions): Promise<ServiceProxy> {
  let ownPort = 0;
  const server = createServer((req, res) => {
    void handle(req, res, options, ownPort).catch((error: unknown) => {
      options.log.warn(`proxy:${options.service}`, String(error));
      res.destroy();
    });
  });
  server.keepAliveTimeout = 5_000;
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  ownPort = (server.address() as AddressInfo).port;
  return {
    port: ownPort,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function handle(req: IncomingMessage, res: ServerResponse, options: ProxyOptions, ownPort: number): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  // Queue URLs name the host the client used (this proxy); the emulator knows them by its own port.
  const ours = `localhost:${ownPort}`;
  const toUpstream = (text: string) => text.replaceAll(ours, `localhost:${options.upstream.port}`);
  const raw = Buffer.concat(chunks);
  const text = raw.toString('utf8');
  // Rewritten only where it names this proxy, so other bodies (S3 objects) pass byte for byte.
  const body = text.includes(ours) ? Buffer.from(toUpstream(text), 'utf8') : raw;
  const call = describeCall(options.service, req, text);
  const rule = options.plan.take(call);
  if (rule?.kind === 'fail') return void injectedError(res, options.service, rule);

  const headers = { ...req.headers, host: toUpstream(String(req.headers.host ?? '')), 'content-length': String(body.length) };
  const upstream = request({ host: options.upstream.host, port: options.upstream.port, method: req.method, path: req.url, headers });
  upstream.end(body);
  const [answer] = (await once(upstream, 'response')) as [IncomingMessage];
  const answerChunks: Buffer[] = [];
  for await (const chunk of answer) answerChunks.push(chunk as Buffer);
  if (rule?.kind === 'crash') {
    options.log.info(`proxy:${options.service}`, `crashing ${call.environment} after ${call.operation} (injected)`);
    options.crash(call.environment);
    res.destroy();
    return;
  }
  res.writeHead(answer.statusCode ?? 502, answer.headers);
  res.end(Buffer.concat(answerChunks));
}

function describeCall(service: string, req: IncomingMessage, body: string): AwsCall {
  const environment = /(?:^|\s)app\/([\w.-]+)/.exec(String(req.headers['user-agent'] ?? ''))?.[1] ?? '';
  const operation = operationOf(service, req.headers, body, req);
  const permissions = permissionsOf(service, operation, body, req.url ?? '/');
  return { service, operation, function: environment.split('.')[0] ?? '', environment, permissions };
}

/** JSON protocols name the operation in X-Amz-Target, the query protocol in the form body, S3 in its method. */
function operationOf(service: string, headers: IncomingHttpHeaders, body: string, req: IncomingMessage): string {
  const target = headers['x-amz-target'];
  if (typeof target === 'string') return target.slice(target.lastIndexOf('.') + 1);
  const action = /(?:^|&)Action=([A-Za-z]+)/.exec(body)?.[1];
  if (action) return action;
  if (service === 's3') return S3_OPERATIONS[req.method ?? ''] ?? `${req.method}`;
  if (service === 'ses' && req.method === 'POST' && req.url?.split('?')[0] === '/v2/email/outbound-emails') return 'SendEmail';
  return `${req.method} ${req.url}`;
}

/** Object operations by method: all the platform's functions do with S3 is write archive objects. */
const S3_OPERATIONS: Readonly<Record<string, string>> = { PUT: 'PutObject', GET: 'GetObject', HEAD: 'GetObject', DELETE: 'DeleteObject' };

const ERROR_SHAPES: Readonly<Record<string, Record<FailRule['error'], { status: number; type: string }>>> = {
  dynamodb: {
    internal: { status: 500, type: 'com.amazonaws.dynamodb.v20120810#InternalServerError' },
    throttle: { status: 400, type: 'com.amazonaws.dynamodb.v20120810#ThrottlingException' },
  },
  sqs: {
    internal: { status: 500, type: 'com.amazonaws.sqs#InternalError' },
    throttle: { status: 400, type: 'com.amazonaws.sqs#ThrottlingException' },
  },
  events: {
    internal: { status: 500, type: 'InternalException' },
    throttle: { status: 400, type: 'ThrottlingException' },
  },
  ses: {
    internal: { status: 500, type: 'InternalServiceErrorException' },
    throttle: { status: 429, type: 'TooManyRequestsException' },
  },
};

function injectedError(res: ServerResponse, service: string, rule: FailRule): void {
  const shape = ERROR_SHAPES[service]?.[rule.error] ?? { status: 500, type: 'InternalError' };
  const code = shape.type.slice(shape.type.indexOf('#') + 1);
  res.writeHead(shape.status, {
    'content-type': 'application/x-amz-json-1.0',
    'x-amzn-query-error': `${code};${shape.status >= 500 ? 'Receiver' : 'Sender'}`,
  });
  res.end(JSON.stringify({ __type: shape.type, message: 'Fault injected by the sandbox' }));
}
