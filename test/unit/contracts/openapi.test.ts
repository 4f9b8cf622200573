import { Validator } from '@seriousme/openapi-schema-validator';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openApiJson } from '../../../contracts/openapi/document.ts';
import { operations } from '../../../contracts/openapi/operations.ts';
import { projectRoot } from '../../../lib/settings.ts';

const committed = readFileSync(join(projectRoot, 'contracts/openapi.json'), 'utf8');
const document = JSON.parse(committed);

describe('contracts/openapi.json', () => {
  it('is exactly what the generator writes from the zod schemas (run `npm run contracts` after changing them)', () => {
    expect(committed).toBe(openApiJson());
  });

  it('is generated the same way twice', () => {
    expect(openApiJson()).toBe(openApiJson());
  });

  it('is a valid OpenAPI 3.1 document for a third-party validator (@seriousme/openapi-schema-validator)', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(document));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('has one operation for each entry of the operations table, and a unique operationId each', () => {
    const documented = Object.entries(document.paths as Record<string, Record<string, { operationId: string }>>).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(documented.sort()).toEqual(Object.keys(operations).sort());
    const ids = Object.values(operations).map((operation) => operation.operationId);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('each operation', () => {
  const each = Object.entries(document.paths as Record<string, Record<string, any>>).flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]) => ({ key: `${method.toUpperCase()} ${path}`, path, operation })),
  );

  describe.each(each)('$key', ({ path, operation }) => {
    it('declares every path parameter of its path, as an id', () => {
      const names = [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]);
      const declared = (operation.parameters ?? []).filter((p: any) => p.in === 'path');
      expect(declared.map((p: any) => p.name)).toEqual(names);
      for (const parameter of declared) expect(parameter).toMatchObject({ required: true, schema: { pattern: '^[A-Za-z0-9_-]{1,64}$' } });
    });

    it('says who may call it: no security when public, a bearer JWT otherwise, the admin role for admin routes', () => {
      const { access } = Object.values(operations).find((route) => route.operationId === operation.operationId)!;
      const expected = access === 'public' ? [] : [{ bearerJwt: access === 'admin' ? ['admin'] : [] }];
      expect(operation.security).toEqual(expected);
      if (access !== 'public') expect(operation.responses['401']).toBeDefined();
      expect(operation.responses['403'] !== undefined).toBe(access === 'admin');
    });

    it('documents a success, the error envelope of 400 when it takes input, and 429, 500 and 503', () => {
      const statuses = Object.keys(operation.responses);
      expect(statuses.some((status) => /^2\d\d$/.test(status))).toBe(true);
      expect(statuses).toEqual(expect.arrayContaining(['429', '500', '503']));
      const takesInput = (operation.parameters ?? []).some((p: any) => p.in !== 'header' || p.required) || operation.requestBody !== undefined;
      expect(statuses.includes('400')).toBe(takesInput);
      if (operation.requestBody) expect(statuses).toEqual(expect.arrayContaining(['413', '415']));
    });
  });
});
