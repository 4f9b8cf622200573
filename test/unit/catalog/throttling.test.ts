import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { httpEvent, lambdaContext, parseBody } from '../lambda-events.ts';

/**
 * The catalog's circuit breakers end to end through the handler, with the SDK mocked: a key that
 * keeps throttling is shed with 503 + Retry-After without reaching DynamoDB, until the half-open probe.
 */
const dynamo = mockClient(DynamoDBDocumentClient);
let handler: typeof import('../../../lambdas/catalog/api.ts').handler;

/** A new error per call, as the SDK throws (ElectroDB annotates the error it is given). */
const throttled = () => () =>
  Promise.reject(new ProvisionedThroughputExceededException({ message: 'The level of configured provisioned throughput for the table was exceeded', $metadata: {} }));
const productKey = (productId: string) => ({ pk: `$commerce#productId_${productId}`, sk: '$product_1' });
const stored = (productId: string) => ({
  ...productKey(productId),
  __edb_e__: 'product',
  __edb_v__: '1',
  productId,
  name: productId,
  description: '',
  priceCents: 100,
  currency: 'USD',
  categories: [],
  attributes: {},
  schemaVersion: 1,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
});

const getProduct = (productId: string) =>
  handler(httpEvent({ routeKey: 'GET /products/{productId}', pathParameters: { productId }, claims: null }), lambdaContext);
const listCategory = (categoryId: string) =>
  handler(httpEvent({ routeKey: 'GET /categories/{categoryId}/products', pathParameters: { categoryId }, claims: null }), lambdaContext);
const readsOf = (productId: string) => dynamo.commandCalls(GetCommand).filter((call) => call.args[0].input.Key?.pk === productKey(productId).pk);

beforeAll(async () => {
  dynamo.on(GetCommand).resolves({});
  ({ handler } = await import('../../../lambdas/catalog/api.ts'));
  await (await import('../../../lambdas/catalog/reads.ts')).productCacheWarmed;
});

beforeEach(() => {
  dynamo.reset();
  dynamo.on(GetCommand).resolves({});
  dynamo.on(QueryCommand).resolves({ Items: [] });
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('a product that keeps throttling', () => {
  it('is shed with 503 and Retry-After without calling DynamoDB again, until a probe succeeds', async () => {
    dynamo.on(GetCommand, { Key: productKey('p-hot') }).callsFake(throttled());
    for (let i = 0; i < 3; i++) {
      const result = await getProduct('p-hot');
      expect(result.statusCode).toBe(503);
      expect(parseBody(result).error.code).toBe('UNAVAILABLE');
    }
    expect(readsOf('p-hot')).toHaveLength(3);

    vi.advanceTimersByTime(2_000);
    const shed = await getProduct('p-hot');
    expect(shed.statusCode).toBe(503);
    expect(shed.headers?.['retry-after']).toBe('3');
    expect(readsOf('p-hot')).toHaveLength(3);

    vi.advanceTimersByTime(3_000);
    dynamo.on(GetCommand, { Key: productKey('p-hot') }).resolves({ Item: stored('p-hot') });
    expect((await getProduct('p-hot')).statusCode).toBe(200);
    expect(readsOf('p-hot')).toHaveLength(4);
  });

  it('does not hold back other products', async () => {
    dynamo.on(GetCommand, { Key: productKey('p-busy') }).callsFake(throttled());
    for (let i = 0; i < 4; i++) await getProduct('p-busy');
    dynamo.on(GetCommand, { Key: productKey('p-calm') }).resolves({ Item: stored('p-calm') });
    expect((await getProduct('p-calm')).statusCode).toBe(200);
  });

  it('is not shed for errors other than throttling', async () => {
    dynamo.on(GetCommand, { Key: productKey('p-broken') }).callsFake(() => Promise.reject(new Error('socket hang up')));
    for (let i = 0; i < 6; i++) expect((await getProduct('p-broken')).statusCode).toBe(500);
    expect(readsOf('p-broken')).toHaveLength(6);
  });
});

describe('a category that keeps throttling', () => {
  it('is shed, then closes again after a successful probe', async () => {
    dynamo.on(QueryCommand).callsFake(throttled());
    for (let i = 0; i < 4; i++) expect((await listCategory('busy')).statusCode).toBe(503);
    expect(dynamo.commandCalls(QueryCommand)).toHaveLength(3);

    vi.advanceTimersByTime(5_000);
    dynamo.on(QueryCommand).resolves({ Items: [] });
    expect((await listCategory('busy')).statusCode).toBe(200);
    expect((await listCategory('busy')).statusCode).toBe(200);
    expect(dynamo.commandCalls(QueryCommand)).toHaveLength(5);
  });
});
