import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DynamoDBDocumentClient,
  PutCommand,
  TransactWriteCommand,
  GetCommand,
  QueryCommand,
  TransactGetCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { HttpEvent } from '../../../lambdas/http/request.ts';
import type { HttpResult } from '../../../lambdas/http/respond.ts';
import { routes } from '../../../lib/api.ts';
import { adminClaims, httpEvent, lambdaContext } from '../lambda-events.ts';

/**
 * SPEC §4: "No request may produce a 5xx because of what the client sent." Random paths, queries,
 * headers and bodies go to every route of the catalog, me, orders, admin and events functions, with
 * DynamoDB and SQS answering empty — but refusing, as the real services do, what breaks their limits
 * (SPEC §2: nesting, empty attribute names, item size, malformed text): whatever the request, the
 * answer is never a 5xx.
 */
const dynamo = mockClient(DynamoDBDocumentClient);
const sqs = mockClient(SQSClient);

/**
 * UpdateItem with ReturnValues ALL_NEW always returns the item, so "empty" is not an answer it can
 * give: echo the key and the values set (ElectroDB names them `#attr` → `:attr_u0`).
 */
function updatedItem(input: { Key?: Record<string, unknown>; ReturnValues?: string; ExpressionAttributeNames?: Record<string, string>; ExpressionAttributeValues?: Record<string, unknown> }) {
  if (input.ReturnValues !== 'ALL_NEW') return {};
  const values = Object.entries(input.ExpressionAttributeValues ?? {});
  const item: Record<string, unknown> = { ...input.Key };
  for (const [placeholder, name] of Object.entries(input.ExpressionAttributeNames ?? {})) {
    const set = values.find(([key]) => key.startsWith(`:${placeholder.slice(1)}_u`));
    if (set) item[name] = set[1];
  }
  return { Attributes: item };
}

/** No unpaired surrogate: what UTF-8, and so DynamoDB, can carry. */
const wellFormed = (text: string) => Buffer.from(text, 'utf8').toString('utf8') === text;

/** DynamoDB's own validation of written values: what the API must never let client data reach. */
function dynamoLimitProblem(value: unknown, depth = 0): string | undefined {
  if (depth > 32) return 'Nesting Levels have exceeded supported limits';
  if (typeof value === 'string') return wellFormed(value) ? undefined : 'Invalid UTF-8 string';
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, child] of Object.entries(value)) {
    if (!Array.isArray(value) && key === '') return 'Empty attribute name';
    if (!Array.isArray(value) && !wellFormed(key)) return 'Invalid UTF-8 attribute name';
    const problem = dynamoLimitProblem(child, depth + 1);
    if (problem) return problem;
  }
  return undefined;
}

function enforceDynamoLimits(input: object): void {
  const written = JSON.stringify(input).length;
  const problem = written > 400 * 1024 ? 'Item size has exceeded the maximum allowed size' : dynamoLimitProblem(input);
  if (problem) throw Object.assign(new Error(problem), { name: 'ValidationException', $fault: 'client', $metadata: { httpStatusCode: 400 } });
}

type Handler = (event: HttpEvent, context: typeof lambdaContext) => Promise<HttpResult>;
const handlers: Partial<Record<string, Handler>> = {};
const AREAS = ['catalog', 'me', 'orders', 'admin', 'metrics'] as const;

beforeAll(async () => {
  dynamo.onAnyCommand().resolves({});
  dynamo.on(GetCommand).resolves({});
  dynamo.on(QueryCommand).resolves({ Items: [], Count: 0 });
  dynamo.on(UpdateCommand).callsFake(async (input) => {
    enforceDynamoLimits(input);
    return updatedItem(input);
  });
  dynamo.on(PutCommand).callsFake(async (input: object) => (enforceDynamoLimits(input), {}));
  dynamo.on(TransactWriteCommand).callsFake(async (input: object) => (enforceDynamoLimits(input), {}));
  dynamo.on(TransactGetCommand).resolves({ Responses: [] });
  dynamo.on(BatchWriteCommand).callsFake(async (input: object) => (enforceDynamoLimits(input), { UnprocessedItems: {} }));
  dynamo.on(BatchGetCommand).callsFake((input: { RequestItems: Record<string, unknown> }) => ({
    Responses: Object.fromEntries(Object.keys(input.RequestItems).map((table) => [table, []])),
    UnprocessedKeys: {},
  }));
  sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
  // Imported after the mocks: some functions read the table as they load (cache warming).
  handlers.catalog = (await import('../../../lambdas/catalog/api.ts')).handler;
  handlers.me = (await import('../../../lambdas/me/api.ts')).handler;
  handlers.orders = (await import('../../../lambdas/orders/api.ts')).handler;
  handlers.admin = (await import('../../../lambdas/admin/api.ts')).handler;
  handlers.metrics = (await import('../../../lambdas/metrics/api.ts')).handler;
});

/** Mostly a valid value, sometimes anything: requests get past validation often, and fail it in every way. */
const mostly = <T, U>(valid: fc.Arbitrary<T>, invalid: fc.Arbitrary<U>) =>
  fc.oneof({ weight: 6, arbitrary: valid }, { weight: 1, arbitrary: invalid });

const validId = fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/);
const anyText = fc.oneof(fc.string(), fc.string({ unit: 'grapheme', maxLength: 80 }), fc.string({ unit: 'binary', maxLength: 80 }));
const scalar = fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.constant(null), anyText, fc.constantFrom(0, -1, 1, 99, 100, 1e21, 'USD', 'tok_ok'));
const junk = fc.oneof(scalar, fc.jsonValue({ maxDepth: 3 }));
const idLike = mostly(validId, fc.oneof(anyText, fc.constantFrom('', ' ', 'a/b', '..', 'x'.repeat(65), '%00', 'p1\n')));
const text = (max: number) => fc.stringMatching(new RegExp(`^[A-Za-z][A-Za-z0-9 ]{0,${max - 1}}$`));
const money = mostly(fc.integer({ min: 0, max: 100_000_000_00 }), fc.constantFrom(-1, 0.5, 100_000_000_01, Number.MAX_SAFE_INTEGER, '100'));
const isoInstant = mostly(
  fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString()),
  fc.constantFrom('2026-11-24T10:00:00+02:00', '2026-02-30T00:00:00Z', 'tomorrow', ''),
);
/** Free-form objects: small ones, and ones past every limit of SPEC §2 (depth, keys, size, text). */
const nested = (depth: number, leaf: unknown = 1): unknown => (depth === 0 ? leaf : { a: nested(depth - 1, leaf) });
const attributes = fc.oneof(
  { weight: 4, arbitrary: fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 5 }) },
  fc.integer({ min: 6, max: 40 }).map((depth) => ({ deep: nested(depth) })),
  fc.integer({ min: 6, max: 40 }).map((depth) => ({ list: [nested(depth)] })),
  fc.constantFrom({ '': 1 }, { ok: { '': 'x' } }, { ['k'.repeat(65)]: 1 }, { big: 'x'.repeat(17 * 1024) }),
  fc.constantFrom({ bad: 'lone \ud800 surrogate' }, { ['\udfff']: 1 }, { ctl: 'bell\u0007' }, { nc: '\uffff' }),
  fc.dictionary(fc.string({ unit: 'binary', maxLength: 8 }), fc.string({ unit: 'binary', maxLength: 8 }), { maxKeys: 3 }),
);
const field = <T,>(valid: fc.Arbitrary<T>) => mostly(valid, junk);

/** Bodies of each route: valid ones with edge values, corrupted field by field. */
const BODIES: Record<string, fc.Arbitrary<Record<string, unknown>>> = {
  'PUT /products/{productId}': fc.record(
    {
      name: field(text(200)),
      description: field(fc.oneof(fc.string({ maxLength: 50 }), fc.string({ unit: 'binary', maxLength: 20 }))),
      priceCents: money,
      currency: field(fc.constantFrom('USD', 'EUR', 'JPY')),
      categories: field(fc.uniqueArray(validId, { maxLength: 10 })),
      attributes: field(attributes),
    },
    { requiredKeys: ['name', 'priceCents'] },
  ),
  'PUT /products/{productId}/inventory/{warehouseId}': fc.record({ available: money }),
  'PUT /me': fc.record(
    {
      email: field(fc.oneof(fc.stringMatching(/^[a-z][a-z0-9.]{0,20}@example\.com$/), fc.emailAddress())),
      givenName: field(text(30)),
      familyName: field(text(30)),
      phone: field(fc.constantFrom('+1 555 0100', '(030) 1234-5')),
      preferences: field(attributes),
    },
    { requiredKeys: ['email'] },
  ),
  'PUT /me/cart/items/{productId}': fc.record({ quantity: mostly(fc.integer({ min: 0, max: 99 }), fc.oneof(fc.constantFrom(-1, 100, 1.5), junk)) }),
  'POST /orders': fc.oneof(
    fc.record(
      {
        items: field(fc.uniqueArray(fc.record({ productId: validId, quantity: fc.integer({ min: 1, max: 99 }) }), { minLength: 1, maxLength: 50, selector: (line) => line.productId })),
        promotionCode: field(validId),
        paymentToken: field(fc.constantFrom('tok_ok', 'tok_decline', 'tok_\uffff', 'tok_\ud800', 'x', 't'.repeat(129), 'tok ok')),
      },
      { requiredKeys: ['items', 'paymentToken'] },
    ),
    fc.record({ fromCart: field(fc.constant(true)), promotionCode: field(validId), paymentToken: field(fc.constant('tok_ok')) }, { requiredKeys: ['fromCart', 'paymentToken'] }),
  ),
  'PUT /promotions/{code}': fc.oneof(
    fc.record({ percentOff: field(fc.integer({ min: 1, max: 100 })), validUntil: isoInstant, maxRedemptions: field(fc.integer({ min: 0, max: 10 })) }, { requiredKeys: ['percentOff'] }),
    fc.record({ amountOffCents: money, validUntil: isoInstant, maxRedemptions: field(fc.integer({ min: 0, max: 10 })) }, { requiredKeys: ['amountOffCents'] }),
  ),
  'POST /events': fc.record({
    events: field(
      fc.array(
        fc.record({ name: idLike, value: mostly(fc.integer({ min: -1e6, max: 1e6 }), fc.constantFrom(1e-200, 1e300, 0.1234567, Number.NaN)), at: isoInstant, productId: idLike }, { requiredKeys: ['name'] }),
        { minLength: 1, maxLength: 501 },
      ),
    ),
  }),
};

/** Anything at all: not JSON, JSON of the wrong shape, prototype-pollution attempts. */
const chaos = fc.oneof(
  fc.jsonValue().map((value) => JSON.stringify(value)),
  fc.string(),
  fc.constantFrom('{', '[]', 'null', '{"name":', '\u0000', '{"__proto__":{"x":1}}', '{"constructor":{"prototype":{}}}'),
);
const bodyFor = (routeKey: string) => {
  const shaped = BODIES[routeKey];
  return shaped ? mostly(shaped.map((body) => JSON.stringify(body)), chaos) : chaos;
};

const QUERY_KEYS = ['limit', 'cursor', 'date', 'status', 'from', 'to', 'name'];
const cursorLike = fc.jsonValue({ maxDepth: 2 }).map((value) => Buffer.from(JSON.stringify(value)).toString('base64url'));
const queryValue = fc.oneof(anyText, cursorLike, fc.integer().map(String), fc.constantFrom('0', '1', '20', '100', '101', '-1', '1.5', '2026-11-24', 'CONFIRMED', '2026-11-24T10:00:00Z'));
const queryParameters = fc.option(fc.dictionary(fc.oneof(fc.constantFrom(...QUERY_KEYS), fc.string({ maxLength: 6 })), queryValue, { maxKeys: 4 }), { nil: undefined });

const claims = fc.oneof(
  fc.constant(null),
  { weight: 3, arbitrary: fc.constant({ sub: 'user-1' }) },
  { weight: 3, arbitrary: fc.constant(adminClaims) },
  fc.record({ sub: fc.string({ maxLength: 80 }), 'cognito:groups': fc.oneof(fc.string(), fc.constantFrom('[admin]', '["admin"]', '[', '[admin staff]')) }),
);
const headers = fc.record(
  {
    'content-type': fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom('application/json', 'application/json; charset=utf-8', 'APPLICATION/JSON') },
      { weight: 1, arbitrary: fc.oneof(fc.constant('text/plain'), fc.string({ maxLength: 30 })) },
    ),
    'idempotency-key': mostly(fc.stringMatching(/^[\x21-\x7e]{8,128}$/), fc.string({ maxLength: 200 })),
    'if-none-match': fc.oneof(fc.constant('*'), fc.string({ maxLength: 60 })),
  },
  { requiredKeys: [] },
);

const request = (routeKey: string, path: string) => {
  const names = [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!);
  return fc.record({
    pathParameters: fc.tuple(...names.map(() => idLike)).map((values) => Object.fromEntries(names.map((name, i) => [name, values[i]!]))),
    query: queryParameters,
    body: fc.option(bodyFor(routeKey), { nil: undefined, freq: 8 }),
    base64: fc.boolean(),
    headers,
    claims,
  });
};

describe('no client input produces a 5xx (property)', () => {
  for (const route of routes.filter((r) => (AREAS as readonly string[]).includes(r.area))) {
    const routeKey = `${route.method} ${route.path}`;
    it(routeKey, async () => {
      await fc.assert(
        fc.asyncProperty(request(routeKey, route.path), async (input) => {
          const body = input.body !== undefined && input.base64 ? Buffer.from(input.body, 'utf8').toString('base64') : input.body;
          const event = httpEvent({
            routeKey,
            ...(body !== undefined ? { rawBody: body } : {}),
            headers: input.headers,
            pathParameters: input.pathParameters,
            ...(input.query ? { query: input.query } : {}),
            claims: input.claims,
          });
          event.isBase64Encoded = input.body !== undefined && input.base64;
          const result = await handlers[route.area]!(event, lambdaContext);
          expect(result.statusCode, `${routeKey} answered ${result.statusCode}: ${result.body}`).toBeLessThan(500);
        }),
        { numRuns: 150 },
      );
    });
  }
});
