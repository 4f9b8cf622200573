import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { routes } from '../../lib/api.ts';
import { projectRoot } from '../../lib/settings.ts';
import { synthesize } from './synth.ts';

/**
 * contracts/openapi.json against the API that is deployed: its operations are exactly the routes of
 * the synthesized template, none missing and none extra, and each says who may call it as the
 * route does (the gateway's JWT authorizer, and lib/api.ts for the admin group its handler requires).
 */
const { template } = synthesize({ bundling: false });
const document = JSON.parse(readFileSync(join(projectRoot, 'contracts/openapi.json'), 'utf8'));

const deployed = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map((route) => ({
  routeKey: route.Properties.RouteKey as string,
  authorization: route.Properties.AuthorizationType as string,
}));
const documented = Object.entries(document.paths as Record<string, Record<string, { security: Array<Record<string, string[]>> }>>).flatMap(
  ([path, item]) => Object.entries(item).map(([method, operation]) => ({ routeKey: `${method.toUpperCase()} ${path}`, security: operation.security })),
);

describe('contracts/openapi.json and the routes of the HTTP API', () => {
  it('documents every route of the template, and nothing else', () => {
    expect(documented.map((operation) => operation.routeKey).sort()).toEqual(deployed.map((route) => route.routeKey).sort());
  });

  it('documents GET /openapi.json itself', () => {
    expect(documented.map((operation) => operation.routeKey)).toContain('GET /openapi.json');
  });

  describe.each(deployed)('$routeKey', ({ routeKey, authorization }) => {
    const operation = documented.find((candidate) => candidate.routeKey === routeKey);
    const access = routes.find((route) => `${route.method} ${route.path}` === routeKey)?.access;

    it('has the security of the route: none when the gateway checks no token, the bearer JWT (admin role for admin routes) when it does', () => {
      expect(operation).toBeDefined();
      if (authorization === 'NONE') expect(operation!.security).toEqual([]);
      else {
        expect(authorization).toBe('JWT');
        expect(operation!.security).toEqual([{ bearerJwt: access === 'admin' ? ['admin'] : [] }]);
      }
    });
  });
});
