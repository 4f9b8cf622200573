import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SandboxError } from './errors.ts';
import type { FunctionInvoker } from './function-registry.ts';
import type { TokenAuthority } from './gateway/jwt.ts';
import { fromV2Result, gatewayError, toV2Event, type GatewayRequest, type GatewayResponse } from './gateway/payload-v2.ts';
import { RouteTable } from './gateway/routing.ts';
import { handleSandboxRoute, type SandboxControl } from './gateway/sandbox-routes.ts';
import type { SandboxLog } from './logs.ts';
import type { HttpApiSpec, RouteSpec } from './topology/routes.ts';

/** API Gateway's payload limit for HTTP APIs. */
const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

interface GatewayOptions {
  /** 0 = a random free port. */
  readonly port: number;
  readonly api: HttpApiSpec;
  readonly functions: FunctionInvoker;
  readonly tokens: TokenAuthority;
  readonly control: SandboxControl;
  readonly log: SandboxLog;
}

export interface Gateway {
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * The HTTP API on node:http: routes from the template, the JWT authorizer, payload format 2.0 to
 * and from the integrated function, API Gateway's own error bodies, plus the `/_sandbox/*` routes.
 */
export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const routes = new RouteTable(options.api.routes);
  const server = createServer((request, response) => {
    const startedAt = Date.now();
    void handle(request, options, routes)
      .catch((error: unknown) => {
        options.log.warn('gateway', `${request.method} ${request.url} failed: ${error instanceof Error ? error.stack : String(error)}`);
        return gatewayError(500, 'Internal Server Error');
      })
      .then((answer) => {
        send(response, answer);
        options.log.info('gateway', `${request.method} ${request.url} → ${answer.statusCode} (${Date.now() - startedAt} ms)`);
      });
  });
  server.listen(options.port, '127.0.0.1');
  try {
    await once(server, 'listening');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    throw new SandboxError(`Port ${options.port} is already in use: choose another one (PORT=3001 npm start, or the port option)`);
  }
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://localhost:${port}`,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function handle(request: IncomingMessage, options: GatewayOptions, routes: RouteTable<RouteSpec>): Promise<GatewayResponse> {
  const body = await readBody(request);
  if (!body) return gatewayError(413, 'Request Entity Too Large', { connection: 'close' });
  const url = request.url ?? '/';
  const queryStart = url.indexOf('?');
  const rawPath = queryStart < 0 ? url : url.slice(0, queryStart);
  const rawQueryString = queryStart < 0 ? '' : url.slice(queryStart + 1);
  const method = request.method ?? 'GET';
  if (rawPath.startsWith('/_sandbox/')) return handleSandboxRoute(method, rawPath, body, options.control);

  const match = routes.match(method, rawPath);
  if (!match) return gatewayError(404, 'Not Found');
  const { authorizer } = match.route;
  let jwt;
  if (authorizer) {
    const verification = await options.tokens.verify(request.headers.authorization, authorizer);
    if (!verification.ok) {
      return gatewayError(401, 'Unauthorized', { 'www-authenticate': `Bearer error="invalid_token" error_description="${verification.reason}"` });
    }
    jwt = verification.token;
  }

  const requestId = randomBytes(10).toString('base64').replace(/=+$/, '=');
  const gatewayRequest: GatewayRequest = {
    method,
    rawPath,
    rawQueryString,
    headers: withForwardingHeaders(request),
    body,
    sourceIp: clientIp(request),
    protocol: `HTTP/${request.httpVersion}`,
  };
  const event = toV2Event(gatewayRequest, {
    apiId: options.api.apiId,
    routeKey: match.route.routeKey,
    requestId,
    receivedAt: new Date(),
    pathParameters: match.pathParameters,
    jwt,
  });
  const outcome = await options.functions.invoke(match.route.functionLogicalId, event);
  const answer = outcome.ok ? fromV2Result(outcome.payload) : undefined;
  if (!answer && outcome.ok) options.log.warn('gateway', `${match.route.functionLogicalId} returned a malformed response: ${JSON.stringify(outcome.payload)}`);
  const response = answer ?? gatewayError(500, 'Internal Server Error');
  return { ...response, headers: { ...response.headers, 'apigw-requestid': requestId } };
}

/** The body, or undefined once it exceeds the payload limit. */
async function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_PAYLOAD_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Request headers as received, plus those API Gateway adds on its way to the integration. */
function withForwardingHeaders(request: IncomingMessage): Record<string, string[]> {
  const headers: Record<string, string[]> = {};
  for (const [name, values] of Object.entries(request.headersDistinct)) {
    if (values) headers[name] = values;
  }
  headers['x-forwarded-for'] = [clientIp(request)];
  headers['x-forwarded-port'] = [String(request.socket.localPort ?? '')];
  headers['x-forwarded-proto'] = ['http'];
  headers['x-amzn-trace-id'] = [`Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${randomBytes(12).toString('hex')}`];
  return headers;
}

function clientIp(request: IncomingMessage): string {
  return (request.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
}

function send(response: ServerResponse, answer: GatewayResponse): void {
  response.writeHead(answer.statusCode, { ...answer.headers, 'content-length': String(answer.body.length) });
  response.end(answer.body);
}
