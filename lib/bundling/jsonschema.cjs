// `jsonschema` as the functions' bundles see it (esbuild alias in lib/function.ts; decision 0015).
// ElectroDB requires it for one thing (electrodb/src/validations.js): to validate a model
// definition against its JSON Schema of a model — when an Entity is constructed (`validateModel`,
// which throws on an invalid definition) and when a Service joins something (`testModel`, through
// `getInstanceType` in electrodb/src/util.js: a definition is joined as a model, an Entity as an
// entity). The definitions are code of ours, validated by the real jsonschema wherever the source
// runs unbundled (test/unit/model/definitions.test.ts constructs every entity); a bundle need not
// validate them again at each cold start.
//
// So this Validator checks only what tells a definition from anything else: an object with the
// root properties the schema requires (`attributes` and `indexes`, and `model` for a v1 model),
// found as jsonschema finds them (own or enumerable inherited properties), with jsonschema's error
// for a missing one. An Entity instance has neither property, so a Service still takes it for an
// entity; a valid definition passes as it does with jsonschema. Only an invalid definition is
// told apart less finely — which the unit tests refuse before any bundle is built.
'use strict';

function isObject(instance) {
  return instance !== null && typeof instance === 'object' && !Array.isArray(instance) && !(instance instanceof Date);
}

/** The value `for (key in object)` would reach, as jsonschema's `required` reads it. */
function enumerableProperty(object, key) {
  if (Object.prototype.hasOwnProperty.call(object, key)) return object[key];
  if (!(key in object)) return undefined;
  for (let proto = Object.getPrototypeOf(object); proto; proto = Object.getPrototypeOf(proto)) {
    if (Object.prototype.propertyIsEnumerable.call(proto, key)) return proto[key];
  }
  return undefined;
}

class Validator {
  addSchema() {}

  validate(instance, schema) {
    if (!isObject(instance)) return { errors: [{ property: 'instance', argument: ['object'], message: 'is not of a type(s) object' }] };
    const required = Array.isArray(schema.required) ? schema.required : [];
    const errors = required
      .filter((name) => enumerableProperty(instance, name) === undefined)
      .map((name) => ({ property: 'instance', argument: name, message: `requires property ${JSON.stringify(name)}` }));
    return { errors };
  }
}
// ElectroDB registers its custom formats here; nothing reads them without jsonschema's checks.
Validator.prototype.customFormats = {};

module.exports = { Validator };
