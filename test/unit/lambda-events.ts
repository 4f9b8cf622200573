import type { Context, SQSRecord } from 'aws-lambda';
import type { HttpEvent } from '../../lambdas/http/request.ts';

/** A payload-2.0 event as the HTTP API hands it to a function after the JWT authorizer. */
export function httpEvent(input: {
  routeKey: string;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
  pathParameters?: Record<string, string>;
  query?: Record<string, string>;
  claims?: Record<string, string> | null;
}): HttpEvent {
  const [method, path] = input.routeKey.split(' ') as [string, string];
  const body = input.rawBody ?? (input.body === undefined ? undefined : JSON.stringify(input.body));
  return {
    version: '2.0',
    routeKey: input.routeKey,
    rawPath: path,
    rawQueryString: new URLSearchParams(input.query ?? {}).toString(),
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...input.headers },
    ...(input.query ? { queryStringParameters: input.query } : {}),
    ...(input.pathParameters ? { pathParameters: input.pathParameters } : {}),
    ...(body !== undefined ? { body } : {}),
    isBase64Encoded: false,
    requestContext: {
      accountId: '000000000000',
      apiId: 'api',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'vitest' },
      requestId: 'req-1',
      routeKey: input.routeKey,
      stage: '$default',
      time: '24/Nov/2026:00:00:00 +0000',
      timeEpoch: 0,
      authorizer: { principalId: '', integrationLatency: 0, jwt: { claims: input.claims === null ? {} : (input.claims ?? { sub: 'user-1' }), scopes: [] } },
    },
  } as HttpEvent;
}

export const adminClaims = { sub: 'admin-1', 'cognito:groups': '[admin]' };

export const lambdaContext = {
  functionName: 'unit',
  awsRequestId: 'req-1',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:unit',
  memoryLimitInMB: '1024',
  getRemainingTimeInMillis: () => 10_000,
} as unknown as Context;

export function sqsRecord(messageId: string, body: string, receiveCount = 1): SQSRecord {
  return {
    messageId,
    receiptHandle: `rh-${messageId}`,
    body,
    attributes: {
      ApproximateReceiveCount: String(receiveCount),
      SentTimestamp: '0',
      SenderId: 'x',
      ApproximateFirstReceiveTimestamp: '0',
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:orders',
    awsRegion: 'us-east-1',
  };
}

export const parseBody = (result: { body?: string }) => JSON.parse(result.body ?? 'null');
