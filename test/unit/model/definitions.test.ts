import { Entity } from 'electrodb';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire, Module } from 'node:module';
import { dirname, join } from 'node:path';
import { runInThisContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { Payment } from '../../../lambdas/model/payment.ts';
import { projectRoot } from '../../../lib/settings.ts';

/**
 * The model definitions, validated here as the bundles no longer do (decision 0015): the functions'
 * bundles take `jsonschema` from lib/bundling/jsonschema.cjs, so ElectroDB does not validate a
 * definition at each cold start. Unbundled, as here, ElectroDB constructs every entity with the
 * real jsonschema: a definition it refuses fails this file (and every test importing it).
 */
const require = createRequire(import.meta.url);
const MODEL_DIR = join(projectRoot, 'lambdas/model');
const modelFiles = readdirSync(MODEL_DIR).filter((file) => file.endsWith('.ts'));

// Importing a model module constructs its entities; ElectroDB validates each definition then.
const modules = await Promise.all(modelFiles.map((file) => import(join(MODEL_DIR, file))));
/** An entity's definition as lambdas/model writes it, which ElectroDB keeps as the entity's `schema`. */
interface Definition {
  model: { entity: string; version: string };
}
const entities = modules.flatMap((module) => Object.values(module)).filter((value): value is { schema: Definition } => value instanceof Entity);
const DEFINED = modelFiles.reduce((count, file) => count + (readFileSync(join(MODEL_DIR, file), 'utf8').match(/new Entity\(/g)?.length ?? 0), 0);

/** ElectroDB's own validations module, evaluated afresh with `jsonschema` resolving to the module given. */
const VALIDATIONS = require.resolve('electrodb/src/validations.js');
const requireFromElectroDb = createRequire(VALIDATIONS);
function electroDbValidations(jsonschema: unknown) {
  const module = { exports: {} as Record<string, (...args: unknown[]) => unknown> };
  const wrapped = runInThisContext(Module.wrap(readFileSync(VALIDATIONS, 'utf8')), { filename: VALIDATIONS });
  const resolve = (id: string) => (id === 'jsonschema' ? jsonschema : requireFromElectroDb(id));
  wrapped.call(module.exports, module.exports, resolve, module, VALIDATIONS, dirname(VALIDATIONS));
  return module.exports as { model(definition: unknown): void; testModel(instance: unknown): [boolean, string] };
}
const unbundled = electroDbValidations(requireFromElectroDb('jsonschema'));
const bundled = electroDbValidations(require('../../../lib/bundling/jsonschema.cjs'));

describe('the model definitions', () => {
  it('are every entity lambdas/model constructs, with ElectroDB’s real jsonschema', () => {
    expect(DEFINED).toBeGreaterThan(15);
    expect(entities).toHaveLength(DEFINED);
    expect(requireFromElectroDb.resolve('jsonschema')).toBe(join(projectRoot, 'node_modules/jsonschema/lib/index.js'));
  });

  it.each(entities.map((entity) => [entity.schema.model.entity, entity.schema.model.version, entity] as const))('%s v%s is a valid model for jsonschema', (_, __, entity) => {
    expect(() => unbundled.model(entity.schema)).not.toThrow();
  });

  it('would fail here if one were invalid: ElectroDB refuses a definition jsonschema refuses', () => {
    const broken = { ...Payment.schema, attributes: { ...Payment.schema.attributes, provider: { type: 'string', required: 'yes' } } };
    expect(() => new Entity(broken as never)).toThrow(/instance\.attributes\.provider\.required is not of a type\(s\) boolean/);
  });
});

describe('ElectroDB in a bundle, with lib/bundling/jsonschema.cjs', () => {
  it.each(entities.map((entity) => [entity.schema.model.entity, entity.schema.model.version, entity] as const))(
    '%s v%s: its definition is a model and the entity is none, as with jsonschema (what a Service joins it as)',
    (_, __, entity) => {
      expect(() => bundled.model(entity.schema)).not.toThrow();
      expect(bundled.testModel(entity.schema)).toEqual(unbundled.testModel(entity.schema));
      expect(bundled.testModel(entity.schema)[0]).toBe(true);
      expect(bundled.testModel(entity)).toEqual(unbundled.testModel(entity));
      expect(bundled.testModel(entity)[0]).toBe(false);
    },
  );

  it('takes nothing without the properties of a model for one', () => {
    for (const value of [{}, { attributes: {} }, { indexes: {} }, [], 'model', null]) {
      expect(bundled.testModel(value)[0]).toBe(unbundled.testModel(value)[0]);
    }
  });
});
