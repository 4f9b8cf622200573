import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { handler } from '../../../lambdas/contract/api.ts';
import { bundlingOptions } from '../../../lib/function.ts';
import { projectRoot } from '../../../lib/settings.ts';
import { httpEvent, lambdaContext } from '../lambda-events.ts';

const committed = JSON.parse(readFileSync(join(projectRoot, 'contracts/openapi.json'), 'utf8'));
const get = (headers: Record<string, string> = {}) =>
  handler(httpEvent({ routeKey: 'GET /openapi.json', headers, claims: null }), lambdaContext) as Promise<{ statusCode: number; headers: Record<string, string>; body: string }>;

describe('GET /openapi.json', () => {
  it('answers the committed document, cacheable by anyone, with a strong ETag', async () => {
    const result = await get();
    expect(result.statusCode).toBe(200);
    expect(result.headers['content-type']).toMatch(/^application\/json/);
    expect(result.headers['cache-control']).toMatch(/^public, max-age=\d+$/);
    expect(result.headers.etag).toMatch(/^"[\w-]+"$/);
    expect(JSON.parse(result.body)).toEqual(committed);
  });

  it('answers 304 without a body to a current If-None-Match, and the document to a stale one', async () => {
    const { headers } = await get();
    const revalidated = await get({ 'if-none-match': headers.etag! });
    expect(revalidated).toMatchObject({ statusCode: 304, body: '', headers: { etag: headers.etag } });
    expect((await get({ 'if-none-match': '"stale"' })).statusCode).toBe(200);
  });

  it('bundles the document as data, without the generator, zod or any AWS SDK', async () => {
    const { metafile, outputFiles } = await build({
      ...bundlingOptions,
      banner: { js: bundlingOptions.banner },
      mainFields: [...bundlingOptions.mainFields],
      entryPoints: [join(projectRoot, 'lambdas/contract/api.ts')],
      bundle: true,
      platform: 'node',
      write: false,
      metafile: true,
      outfile: 'index.mjs',
    });
    const inputs = Object.keys(metafile.inputs).map((input) => relative(projectRoot, join(projectRoot, input)));
    expect(inputs).toContain('contracts/openapi.json');
    expect(inputs.filter((input) => /contracts\/openapi\/|node_modules\/(zod|zod-openapi|ajv|@aws-sdk)\//.test(input))).toEqual([]);
    // The document is most of the bundle; the rest is the shared HTTP handling and Powertools.
    expect(outputFiles[0]!.contents.byteLength).toBeLessThan(400_000);
  });
});
