import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../lambdas/config.ts';
import { defaultsFor, tunables } from '../../lambdas/tunables.ts';

/** What the stack gives the orders API: its tunables at their defaults, and the table's name. */
const ordersApi = { POWERTOOLS_SERVICE_NAME: 'OrdersApi', ...defaultsFor('OrdersApi'), TABLE_NAME: 'commerce' };

describe('function configuration', () => {
  it('reads a function’s declared variables', () => {
    const config = loadConfig({ ...ordersApi, ORDER_SHARD_COUNT: '16' });
    expect(config.tableName).toBe('commerce');
    expect(config.orderShardCount).toBe(16);
    expect(config.idempotencyTtlSeconds).toBe(tunables.idempotencyTtlSeconds.default);
  });

  it('fails at cold start when a declared variable is missing or invalid, naming each', () => {
    const { TABLE_NAME: _, ...withoutTable } = ordersApi;
    expect(() => loadConfig(withoutTable)).toThrow('TABLE_NAME: missing');
    expect(() => loadConfig({ ...ordersApi, ORDER_SHARD_COUNT: '0', IDEMPOTENCY_TTL_SECONDS: 'soon' })).toThrow(
      'Invalid function configuration: ORDER_SHARD_COUNT: must be within 1…1000; IDEMPOTENCY_TTL_SECONDS: must be a number',
    );
  });

  it('refuses to read a variable that was not declared for the function', () => {
    const config = loadConfig({ ...ordersApi, CART_TTL_SECONDS: '60' });
    expect(() => config.cartTtlSeconds).toThrow('CART_TTL_SECONDS is not given to OrdersApi');
  });

  it('outside a function (tests, scripts), an absent tunable is its declared default and a binding must be set', () => {
    const config = loadConfig({ METRIC_SHARD_COUNT: '2' });
    expect(config.metricShardCount).toBe(2);
    expect(config.cartTtlSeconds).toBe(tunables.cartTtlSeconds.default);
    expect(config.s3ForcePathStyle).toBe(false);
    expect(() => config.tableName).toThrow('TABLE_NAME is not set');
  });
});
