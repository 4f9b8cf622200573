import { describe, expect, it } from 'vitest';
import { fromV2Result, toV2Event, type GatewayRequest, type RequestContextInput } from '../../../sandbox/gateway/payload-v2.ts';

const request = (overrides: Partial<GatewayRequest> = {}): GatewayRequest => ({
  method: 'POST',
  rawPath: '/orders/o-1',
  rawQueryString: 'a=1&b=x%20y&a=2',
  headers: {
    host: ['localhost:3000'],
    'user-agent': ['vitest'],
    'content-type': ['application/json'],
    accept: ['text/html', 'application/json'],
    cookie: ['session=abc; theme=dark'],
  },
  body: Buffer.from('{"quantity":2}'),
  sourceIp: '127.0.0.1',
  protocol: 'HTTP/1.1',
  ...overrides,
});

const context: RequestContextInput = {
  apiId: 'abc1234',
  routeKey: 'POST /orders/{orderId}',
  requestId: 'JKJaXmPLvHcESHA=',
  receivedAt: new Date(Date.UTC(2020, 2, 12, 19, 3, 58)),
  pathParameters: { orderId: 'o-1' },
  jwt: undefined,
};

describe('toV2Event', () => {
  it('builds an API Gateway payload format 2.0 event', () => {
    expect(toV2Event(request(), context)).toEqual({
      version: '2.0',
      routeKey: 'POST /orders/{orderId}',
      rawPath: '/orders/o-1',
      rawQueryString: 'a=1&b=x%20y&a=2',
      cookies: ['session=abc', 'theme=dark'],
      headers: { host: 'localhost:3000', 'user-agent': 'vitest', 'content-type': 'application/json', accept: 'text/html,application/json' },
      queryStringParameters: { a: '1,2', b: 'x y' },
      pathParameters: { orderId: 'o-1' },
      requestContext: {
        accountId: '000000000000',
        apiId: 'abc1234',
        domainName: 'localhost:3000',
        domainPrefix: 'localhost',
        http: { method: 'POST', path: '/orders/o-1', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'vitest' },
        requestId: 'JKJaXmPLvHcESHA=',
        routeKey: 'POST /orders/{orderId}',
        stage: '$default',
        time: '12/Mar/2020:19:03:58 +0000',
        timeEpoch: 1584039838000,
      },
      body: '{"quantity":2}',
      isBase64Encoded: false,
    });
  });

  it('leaves out what the request does not have', () => {
    const event = toV2Event(request({ rawQueryString: '', headers: { host: ['localhost'] }, body: Buffer.alloc(0) }), { ...context, pathParameters: {} });
    expect(event).not.toHaveProperty('cookies');
    expect(event).not.toHaveProperty('queryStringParameters');
    expect(event).not.toHaveProperty('pathParameters');
    expect(event).not.toHaveProperty('body');
    expect(event.isBase64Encoded).toBe(false);
  });

  it('base64-encodes bodies that are not text', () => {
    const binary = Buffer.from([0, 1, 2, 255]);
    const cases: Array<Record<string, string[]>> = [{ 'content-type': ['application/octet-stream'] }, {}];
    for (const headers of cases) {
      const event = toV2Event(request({ headers, body: binary }), context);
      expect(event.isBase64Encoded).toBe(true);
      expect(Buffer.from(event.body!, 'base64')).toEqual(binary);
    }
  });

  it('passes the authorizer claims and scopes on', () => {
    const jwt = { claims: { sub: 'u-1', 'cognito:groups': '[admin]' }, scopes: null };
    expect(toV2Event(request(), { ...context, jwt }).requestContext).toMatchObject({ authorizer: { jwt } });
  });
});

describe('fromV2Result', () => {
  it('uses a result with a statusCode as the response', () => {
    const response = fromV2Result({ statusCode: 201, headers: { 'Content-Type': 'application/json', 'X-Count': 3 }, cookies: ['a=1', 'b=2'], body: '{"ok":true}' });
    expect(response).toEqual({
      statusCode: 201,
      headers: { 'content-type': 'application/json', 'x-count': '3', 'set-cookie': ['a=1', 'b=2'] },
      body: Buffer.from('{"ok":true}'),
    });
  });

  it('decodes base64 bodies and accepts a missing body', () => {
    expect(fromV2Result({ statusCode: 200, body: Buffer.from('hi').toString('base64'), isBase64Encoded: true })?.body.toString()).toBe('hi');
    expect(fromV2Result({ statusCode: 204 })).toEqual({ statusCode: 204, headers: {}, body: Buffer.alloc(0) });
  });

  it('turns any other JSON value into a 200 application/json response', () => {
    for (const value of [{ orderId: 'o-1' }, 'text', 42, null, [1, 2]]) {
      expect(fromV2Result(value)).toEqual({ statusCode: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify(value)) });
    }
  });

  it('rejects malformed responses', () => {
    expect(fromV2Result({ statusCode: '200' })).toBeUndefined();
    expect(fromV2Result({ statusCode: 99 })).toBeUndefined();
    expect(fromV2Result({ statusCode: 200, body: { not: 'a string' } })).toBeUndefined();
  });
});
