import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { ACCOUNT_ID } from '../physical-names.ts';

/** An HTTP request as the gateway received it. */
export interface GatewayRequest {
  readonly method: string;
  readonly rawPath: string;
  readonly rawQueryString: string;
  /** Lower-cased header names, each with every value received. */
  readonly headers: Readonly<Record<string, readonly string[]>>;
  readonly body: Buffer;
  readonly sourceIp: string;
  readonly protocol: string;
}

export interface RequestContextInput {
  readonly apiId: string;
  readonly routeKey: string;
  readonly requestId: string;
  readonly receivedAt: Date;
  readonly pathParameters: Readonly<Record<string, string>>;
  /** Present on routes with a JWT authorizer: what the deployed authorizer passes on. */
  readonly jwt: { readonly claims: Record<string, string>; readonly scopes: string[] | null } | undefined;
}

export interface GatewayResponse {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string | string[]>>;
  readonly body: Buffer;
}

/** The Lambda event of an HTTP API integration with payload format version 2.0. */
export function toV2Event(request: GatewayRequest, context: RequestContextInput): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (const [name, values] of Object.entries(request.headers)) {
    if (name === 'cookie') cookies.push(...values.flatMap((value) => value.split(';')).map((cookie) => cookie.trim()).filter(Boolean));
    else headers[name] = values.join(',');
  }
  const host = headers['host'] ?? 'localhost';
  const event: APIGatewayProxyEventV2 & { requestContext: { authorizer?: unknown } } = {
    version: '2.0',
    routeKey: context.routeKey,
    rawPath: request.rawPath,
    rawQueryString: request.rawQueryString,
    headers,
    requestContext: {
      accountId: ACCOUNT_ID,
      apiId: context.apiId,
      domainName: host,
      domainPrefix: host.split('.')[0]!.split(':')[0]!,
      http: {
        method: request.method,
        path: request.rawPath,
        protocol: request.protocol,
        sourceIp: request.sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: context.requestId,
      routeKey: context.routeKey,
      stage: '$default',
      time: formatRequestTime(context.receivedAt),
      timeEpoch: context.receivedAt.getTime(),
    },
    isBase64Encoded: false,
  };
  if (cookies.length > 0) event.cookies = cookies;
  const query = queryStringParameters(request.rawQueryString);
  if (query) event.queryStringParameters = query;
  if (Object.keys(context.pathParameters).length > 0) event.pathParameters = { ...context.pathParameters };
  if (context.jwt) event.requestContext.authorizer = { jwt: context.jwt };
  if (request.body.length > 0) {
    const textual = isTextual(headers['content-type']);
    event.body = textual ? request.body.toString('utf8') : request.body.toString('base64');
    event.isBase64Encoded = !textual;
  }
  return event;
}

/**
 * Maps a function's result like API Gateway does for format 2.0: a result with `statusCode` is the
 * response; any other JSON value becomes a 200 application/json body. undefined = malformed (→ 500).
 */
export function fromV2Result(payload: unknown): GatewayResponse | undefined {
  if (payload === null || typeof payload !== 'object' || !('statusCode' in payload)) {
    return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify(payload)) };
  }
  const result = payload as { statusCode: unknown; headers?: unknown; cookies?: unknown; body?: unknown; isBase64Encoded?: unknown };
  const { statusCode } = result;
  if (typeof statusCode !== 'number' || !Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) return undefined;
  if (result.body !== undefined && result.body !== null && typeof result.body !== 'string') return undefined;
  const headers: Record<string, string | string[]> = {};
  if (result.headers !== undefined && result.headers !== null) {
    if (typeof result.headers !== 'object') return undefined;
    for (const [name, value] of Object.entries(result.headers)) headers[name.toLowerCase()] = String(value);
  }
  if (Array.isArray(result.cookies) && result.cookies.length > 0) headers['set-cookie'] = result.cookies.map(String);
  const body = typeof result.body === 'string' ? Buffer.from(result.body, result.isBase64Encoded === true ? 'base64' : 'utf8') : Buffer.alloc(0);
  return { statusCode, headers, body };
}

/** The JSON bodies API Gateway itself answers with. */
export function gatewayError(statusCode: number, message: string, headers: Record<string, string> = {}): GatewayResponse {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', ...headers },
    body: Buffer.from(JSON.stringify({ message })),
  };
}

/** Repeated keys are comma-joined, as API Gateway does; undefined when there is no query string. */
function queryStringParameters(rawQueryString: string): Record<string, string> | undefined {
  if (rawQueryString === '') return undefined;
  const parameters: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(rawQueryString)) {
    parameters[key] = key in parameters ? `${parameters[key]},${value}` : value;
  }
  return parameters;
}

/** Bodies of these types reach the function as text; anything else (or no content type) as base64. */
function isTextual(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  return (
    type.startsWith('text/') ||
    /[/+](json|xml)$/.test(type) ||
    ['application/javascript', 'application/x-www-form-urlencoded', 'application/graphql'].includes(type)
  );
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** API Gateway's `requestContext.time` format: `12/Mar/2020:19:03:58 +0000`. */
function formatRequestTime(date: Date): string {
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${pad(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
}
