import { FUNCTION_IDS, isBinding, type TunableName, tunables, type Variable } from './tunables.ts';

/**
 * The function's configuration, read and checked once, at cold start, from the variables the stack
 * (or the sandbox, from the template) set as lambdas/tunables.ts declares them. A deployed function
 * missing one of its variables fails here, before any request; reading a variable that was not
 * declared for it fails too. Outside a function (tests, scripts) an absent tunable is its default.
 */
type Declarations = typeof tunables;
type ValueOf<D> = D extends { binding: true } ? string : D extends { flag: true } ? boolean : D extends { min: number } ? number : string;
export type Config = { readonly [K in TunableName]: ValueOf<Declarations[K]> };

function parse(declared: Variable, raw: string): string | number | boolean | Error {
  if (isBinding(declared)) return raw.length > 0 ? raw : new Error('must not be empty');
  if ('flag' in declared) return raw === 'true' ? true : raw === 'false' ? false : new Error('must be true or false');
  if ('choices' in declared) return declared.choices.includes(raw) ? raw : new Error(`must be one of ${declared.choices.join(', ')}`);
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value)) return new Error('must be a number');
  if (declared.integer && !Number.isInteger(value)) return new Error('must be an integer');
  const tooBig = declared.max !== undefined && value > declared.max;
  if (value < declared.min || tooBig) return new Error(`must be within ${declared.min}…${declared.max ?? '∞'}`);
  return value;
}

export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const service = env['POWERTOOLS_SERVICE_NAME'];
  const deployed = service !== undefined && (FUNCTION_IDS as readonly string[]).includes(service);
  const values = new Map<string, string | number | boolean>();
  const problems: string[] = [];
  for (const [name, declared] of Object.entries(tunables as Record<string, Variable>)) {
    const raw = env[declared.variable];
    const mine = deployed && (declared.functions as readonly string[]).includes(service);
    if (raw === undefined) {
      if (mine) problems.push(`${declared.variable}: missing`);
      else if (!isBinding(declared)) values.set(name, declared.default);
      continue;
    }
    const value = parse(declared, raw);
    if (value instanceof Error) problems.push(`${declared.variable}: ${value.message}`);
    else if (mine || !deployed) values.set(name, value);
  }
  if (problems.length > 0) throw new Error(`Invalid function configuration: ${problems.join('; ')}`);

  return new Proxy({} as Config, {
    get(_, name) {
      if (typeof name !== 'string') return undefined;
      if (values.has(name)) return values.get(name);
      const declared = (tunables as Record<string, Variable>)[name];
      // Not a tunable (`then`, `toJSON`…): what any plain object answers.
      if (!declared) return undefined;
      throw new Error(deployed ? `${declared.variable} is not given to ${service}: declare it for that function in lambdas/tunables.ts` : `${declared.variable} is not set`);
    },
  });
}

export const config: Config = loadConfig(process.env);
