import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../lib/settings.ts';
import { baseUrl, call } from './client.ts';
import { expectConforms } from './openapi-conformance.ts';

const committed = JSON.parse(readFileSync(join(projectRoot, 'contracts/openapi.json'), 'utf8'));

describe('GET /openapi.json on the sandbox', () => {
  it('serves the committed document to anyone, cacheable, and 304 while it is current', async () => {
    const reply = await call('GET', '/openapi.json');
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual(committed);
    expect(reply.headers.get('cache-control')).toMatch(/^public, max-age=\d+$/);
    const etag = reply.headers.get('etag')!;
    const revalidated = await call('GET', '/openapi.json', { headers: { 'if-none-match': etag } });
    expect(revalidated.status).toBe(304);
    expect(revalidated.headers.get('etag')).toBe(etag);
  });
});

describe('the conformance hook of the integration tests', () => {
  it('fails a test on an answer the document does not describe', async () => {
    const response = await fetch(`${baseUrl()}/health`);
    const body = await response.text();
    expect(() => expectConforms('GET', '/health', response, body)).not.toThrow();
    expect(() => expectConforms('GET', '/health', response, JSON.stringify({ status: 'ok', uptime: 1 }))).toThrow(/must NOT have additional properties/);
    expect(() => expectConforms('GET', '/health', { status: 201, headers: response.headers }, body)).toThrow(/status 201 is not documented/);
  });
});
