import { describe, expect, it } from 'vitest';
import { RouteTable } from '../../../sandbox/gateway/routing.ts';

const table = (...routeKeys: string[]) => new RouteTable(routeKeys.map((routeKey) => ({ routeKey })));

describe('RouteTable', () => {
  it('matches a literal route and extracts path parameters', () => {
    const routes = table('GET /health', 'GET /products/{productId}', 'PUT /products/{productId}/inventory/{warehouseId}');
    expect(routes.match('GET', '/health')).toEqual({ route: { routeKey: 'GET /health' }, pathParameters: {} });
    expect(routes.match('PUT', '/products/p-1/inventory/w%201')).toEqual({
      route: { routeKey: 'PUT /products/{productId}/inventory/{warehouseId}' },
      pathParameters: { productId: 'p-1', warehouseId: 'w 1' },
    });
  });

  it('matches methods and path lengths exactly', () => {
    const routes = table('GET /products/{productId}');
    expect(routes.match('POST', '/products/p-1')).toBeUndefined();
    expect(routes.match('GET', '/products')).toBeUndefined();
    expect(routes.match('GET', '/products/')).toBeUndefined();
    expect(routes.match('GET', '/products/p-1/extra')).toBeUndefined();
    expect(routes.match('GET', '/products/p-1/')).toBeUndefined();
  });

  it('prefers literal segments over parameters over greedy parameters', () => {
    const routes = table('GET /orders/{orderId}', 'GET /orders/mine', 'ANY /{proxy+}');
    expect(routes.match('GET', '/orders/mine')?.route.routeKey).toBe('GET /orders/mine');
    expect(routes.match('GET', '/orders/o-1')?.route.routeKey).toBe('GET /orders/{orderId}');
    expect(routes.match('DELETE', '/orders/o-1')).toEqual({ route: { routeKey: 'ANY /{proxy+}' }, pathParameters: { proxy: 'orders/o-1' } });
  });

  it('prefers an exact method over ANY', () => {
    const routes = table('ANY /me', 'GET /me');
    expect(routes.match('GET', '/me')?.route.routeKey).toBe('GET /me');
    expect(routes.match('PATCH', '/me')?.route.routeKey).toBe('ANY /me');
  });

  it('falls back to $default when nothing else matches', () => {
    const routes = table('GET /health', '$default');
    expect(routes.match('GET', '/health')?.route.routeKey).toBe('GET /health');
    expect(routes.match('POST', '/anything/else')).toEqual({ route: { routeKey: '$default' }, pathParameters: {} });
  });

  it('needs at least one segment for a greedy parameter', () => {
    const routes = table('GET /files/{path+}');
    expect(routes.match('GET', '/files/a/b.txt')?.pathParameters).toEqual({ path: 'a/b.txt' });
    expect(routes.match('GET', '/files')).toBeUndefined();
    expect(routes.match('GET', '/files/')).toBeUndefined();
  });
});
