import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';

/** contracts/events/<Type>.v1.json: the published contract of each order event's `detail`. */
export const CONTRACTS_DIR = new URL('../contracts/events/', import.meta.url).pathname;

const ajv = new Ajv2020({ allErrors: true, strict: true });
const validators = new Map<string, ValidateFunction>(
  readdirSync(CONTRACTS_DIR)
    .filter((file) => file.endsWith('.v1.json'))
    .map((file) => [file.replace(/\.v1\.json$/, ''), ajv.compile(JSON.parse(readFileSync(join(CONTRACTS_DIR, file), 'utf8')))]),
);

/** The event types that have a schema file. */
export const contractTypes = (): string[] => [...validators.keys()].sort();

/** Why `detail` breaks the v1 contract of `detailType` (no schema file counts), or [] when it conforms. */
export function contractViolations(detailType: string, detail: unknown): string[] {
  const validate = validators.get(detailType);
  if (!validate) return [`no contract contracts/events/${detailType}.v1.json`];
  if (validate(detail)) return [];
  return (validate.errors ?? []).map((error) => `${detailType}${error.instancePath} ${error.message ?? ''} ${JSON.stringify(error.params)}`);
}
