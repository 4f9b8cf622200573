import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConformanceChecker } from '../../contracts/openapi/conformance.ts';
import { projectRoot } from '../../lib/settings.ts';

const checker = new ConformanceChecker(JSON.parse(readFileSync(join(projectRoot, 'contracts/openapi.json'), 'utf8')));

/**
 * Fails the test when an answer of the API is not what contracts/openapi.json says it can be. Every
 * HTTP helper of the integration tests passes what it received through here; the sandbox's own
 * `/_sandbox/*` routes are not part of the API.
 */
export function expectConforms(method: string, pathOrUrl: string, response: { status: number; headers: Headers }, body: string): void {
  const path = new URL(pathOrUrl, 'http://api.invalid').pathname;
  if (path.startsWith('/_sandbox/')) return;
  const problems = checker.problems({ method, path, status: response.status, headers: response.headers, body });
  if (problems.length > 0) {
    throw new Error(`${method} ${path} → ${response.status} is not what contracts/openapi.json says:\n  ${problems.join('\n  ')}\nbody: ${body.slice(0, 500)}`);
  }
}
