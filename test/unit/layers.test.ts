import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../lib/settings.ts';

/**
 * The layering of lambdas/ (docs/architecture.md, "Code"), read from the source: who may import
 * what, and the one retry helper. A file that breaks a rule is named in the failure.
 */
const root = join(projectRoot, 'lambdas');
const files = (readdirSync(root, { recursive: true }) as string[]).filter((path) => path.endsWith('.ts')).map((path) => join(root, path));
const source = new Map(files.map((file) => [relative(root, file), readFileSync(file, 'utf8')]));
const importsOf = (text: string) => [...text.matchAll(/^(?:import|export)[^'"]*from '([^']+)'/gm)].map((match) => match[1]!);
const inLayer = (...layers: string[]) => [...source.entries()].filter(([path]) => layers.some((layer) => path.startsWith(`${layer}/`)));
const offenders = (entries: Array<[string, string]>, bad: (specifier: string) => boolean) =>
  entries.flatMap(([path, text]) => importsOf(text).filter(bad).map((specifier) => `${path} imports ${specifier}`));

describe('layers of lambdas/', () => {
  it('no adapter, domain rule, port or model imports from http/', () => {
    expect(offenders(inLayer('adapters', 'domain', 'ports', 'model'), (s) => /(^|\/)http\//.test(s))).toEqual([]);
  });

  it('domain/ and ports/ import no AWS SDK, no ElectroDB, no Lambda types, and nothing of the layers above them', () => {
    const outside = (s: string) => /^@aws-sdk\/|^electrodb$|^aws-lambda$/.test(s) || /^\.\.\/(adapters|model|http|orders|me|catalog|admin|metrics|projections|notifications|contract)\//.test(s);
    expect(offenders(inLayer('domain', 'ports'), outside)).toEqual([]);
  });

  it('adapters import no use case or handler of an area', () => {
    expect(offenders(inLayer('adapters', 'model'), (s) => /^\.\.\/(orders|me|catalog|admin|metrics|projections|notifications|contract)\//.test(s))).toEqual([]);
  });

  it('only model/ and adapters/ import an AWS SDK', () => {
    const others = [...source.entries()].filter(([path]) => !path.startsWith('model/') && !path.startsWith('adapters/'));
    expect(offenders(others, (s) => s.startsWith('@aws-sdk/'))).toEqual([]);
  });

  it('domain/ names no HTTP status and builds no HTTP response', () => {
    const http = /statusCode|\bstatus: [1-5]\d\d\b|'retry-after'|content-type/i;
    expect(inLayer('domain').filter(([, text]) => http.test(text)).map(([path]) => path)).toEqual([]);
  });

  it('retries go through domain/retry.ts alone: no other backoff, no hand-rolled attempt loop', () => {
    const loop = /for \(let (attempt|race)\b|\b(attempt|race)\+\+|backoffDelayMs\(/;
    expect([...source.entries()].filter(([path, text]) => path !== 'domain/retry.ts' && loop.test(text)).map(([path]) => path)).toEqual([]);
  });
});
