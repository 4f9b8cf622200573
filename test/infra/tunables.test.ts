import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../lib/settings.ts';
import { FUNCTION_IDS, tunables, type Variable, variablesOf } from '../../lambdas/tunables.ts';
import { appFunctions } from './inspect.ts';
import { synthesize } from './synth.ts';

/**
 * The declaration of lambdas/tunables.ts, held against both ends: the variables the stack gives
 * each function, and the ones the code bundled into that function reads (`config.<name>`).
 */
const functions = appFunctions(synthesize({ bundling: false }));
const declared = tunables as Record<string, Variable>;
/** Variables that are not tunables: Powertools' own, set for every function by lib/function.ts. */
const isPlatformVariable = (name: string) => name.startsWith('POWERTOOLS_') || name === 'AWS_NODEJS_CONNECTION_REUSE_ENABLED';

/** The tunables read by the source files esbuild bundles into an entry. */
async function tunablesReadBy(entry: string): Promise<string[]> {
  const result = await build({
    entryPoints: [join(projectRoot, entry)],
    absWorkingDir: projectRoot,
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    logLevel: 'silent',
  });
  const read = new Set<string>();
  for (const input of Object.keys(result.metafile.inputs).filter((path) => path.startsWith('lambdas/'))) {
    for (const match of readFileSync(join(projectRoot, input), 'utf8').matchAll(/(?<![\w/.])config\.(\w+)/g)) read.add(match[1]!);
  }
  return [...read].map((name) => declared[name]?.variable ?? `undeclared config.${name}`).sort();
}

describe('tunables: declared once, given exactly where they are read', () => {
  it('knows every function of the stack by its id', () => {
    const ids = functions.map((fn) => String(fn.properties.Environment.Variables.POWERTOOLS_SERVICE_NAME)).sort();
    expect(ids).toEqual([...FUNCTION_IDS].sort());
  });

  it.each(functions.map((fn) => [String(fn.properties.Environment.Variables.POWERTOOLS_SERVICE_NAME), fn] as const))(
    '%s is given exactly the variables declared for it, and its code reads exactly those',
    async (id, fn) => {
      const given = Object.keys(fn.properties.Environment.Variables as Record<string, unknown>).filter((name) => !isPlatformVariable(name)).sort();
      expect(given).toEqual(variablesOf(id));
      expect(await tunablesReadBy(fn.entry)).toEqual(variablesOf(id));
    },
  );

  it('sets each tunable to its declared default', () => {
    for (const fn of functions) {
      const variables = fn.properties.Environment.Variables as Record<string, unknown>;
      for (const tunable of Object.values(declared)) {
        if ('default' in tunable && tunable.variable in variables) expect(variables[tunable.variable]).toBe(String(tunable.default));
      }
    }
  });
});
