import { inject } from 'vitest';
import { expectConforms } from './openapi-conformance.ts';

/** A thin client of the running sandbox: the public API plus its `/_sandbox/*` routes. */
export const baseUrl = (): string => inject('sandboxUrl');

export interface Reply<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export async function call<T = any>(
  method: string,
  path: string,
  options: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
): Promise<Reply<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let payload: string | undefined = options.rawBody;
  if (options.body !== undefined) {
    payload = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(`${baseUrl()}${path}`, { method, headers, ...(payload !== undefined ? { body: payload } : {}) });
  const text = await response.text();
  expectConforms(method, path, response, text);
  return { status: response.status, body: text ? JSON.parse(text) : null, headers: response.headers };
}

export async function tokenFor(sub: string, options: { admin?: boolean; email?: string } = {}): Promise<string> {
  const reply = await call<{ token: string }>('POST', '/_sandbox/token', { body: { sub, ...options } });
  if (reply.status !== 200) throw new Error(`token: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body.token;
}

/** Waits until every queue, poller and function of the sandbox is quiet. */
export async function idle(timeoutMs = 60_000): Promise<void> {
  const reply = await call('POST', '/_sandbox/idle', { body: { timeoutMs } });
  if (reply.status !== 200) throw new Error(`sandbox did not become idle: ${JSON.stringify(reply.body)}`);
}

export interface SandboxInfo {
  apiUrl: string;
  dynamodbEndpoint: string;
  sqsEndpoint: string;
  tableName: string;
  queues: Record<string, string>;
}

export async function info(): Promise<SandboxInfo> {
  return (await call<SandboxInfo>('GET', '/_sandbox/info')).body;
}

/** Queue URL by a fragment of its CloudFormation logical id, e.g. 'OrderQueue' or 'OrderDlq'. */
export async function queueUrl(fragment: string): Promise<string> {
  const { queues } = await info();
  const match = Object.entries(queues).find(([logicalId]) => logicalId.includes(fragment));
  if (!match) throw new Error(`no queue like ${fragment} in ${Object.keys(queues).join(', ')}`);
  return match[1];
}

export const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
