import { subscribe } from 'node:diagnostics_channel';
import type { ClientRequest, IncomingMessage } from 'node:http';

/** One AWS API call a sandbox function made, as its request left the sandbox's service proxy. */
export interface TappedCall {
  /** Logical id of the calling function (from the SDK user agent, `app/<logicalId>.<n>`). */
  readonly function: string;
  /** e.g. `DynamoDB_20120810.TransactWriteItems`, split: `dynamodb`, `TransactWriteItems`. */
  readonly service: string;
  readonly operation: string;
  /** The request body, parsed (JSON protocols), or undefined. */
  readonly body: any;
  readonly at: number;
  status?: number;
}

/**
 * Records the AWS calls the sandbox's functions make, without any change to the sandbox: the
 * service proxies (sandbox/faults/service-proxy.ts) run in this process and forward each call to
 * DynamoDB Local with `node:http`, keeping the caller's user agent; `diagnostics_channel` sees
 * every such request as it is created, and its body as it is sent. The sandbox's own clients
 * (pollers, sweeper) carry no `app/` user agent and are left out. In-process sandboxes only.
 */
export class CallTap {
  private recording = false;
  private calls: TappedCall[] = [];
  private readonly pending = new WeakMap<ClientRequest, TappedCall>();
  /** Calls kept even when not recording: the last of each function and operation. */
  readonly lastOf = new Map<string, TappedCall>();

  constructor() {
    subscribe('http.client.request.created', (message) => this.onRequest((message as { request: ClientRequest }).request));
    subscribe('http.client.response.finish', (message) => {
      const { request, response } = message as { request: ClientRequest; response: IncomingMessage };
      const call = this.pending.get(request);
      if (call) call.status = response.statusCode;
    });
  }

  start(): void {
    this.calls = [];
    this.recording = true;
  }

  stop(): TappedCall[] {
    this.recording = false;
    return this.calls;
  }

  private onRequest(request: ClientRequest): void {
    const agent = /(?:^|\s)app\/([\w.-]+)/.exec(String(request.getHeader('user-agent') ?? ''))?.[1];
    const target = request.getHeader('x-amz-target');
    if (!agent || typeof target !== 'string') return;
    const [prefix = '', operation = ''] = target.split('.');
    const service = prefix.startsWith('DynamoDB') ? 'dynamodb' : prefix.startsWith('AmazonSQS') ? 'sqs' : prefix;
    const end = request.end.bind(request) as (...args: unknown[]) => ClientRequest;
    (request as { end: (...args: unknown[]) => ClientRequest }).end = (...args: unknown[]) => {
      const chunk = args[0];
      let body: unknown;
      if (typeof chunk === 'string' || Buffer.isBuffer(chunk)) {
        try {
          body = JSON.parse(chunk.toString());
        } catch {
          body = undefined;
        }
      }
      const call: TappedCall = { function: agent.split('.')[0]!, service, operation, body, at: performance.now() };
      this.pending.set(request, call);
      this.lastOf.set(`${call.function}:${operation}`, call);
      if (this.recording) this.calls.push(call);
      return end(...args);
    };
  }
}
