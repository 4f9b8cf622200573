import { Stack } from 'aws-cdk-lib';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../lib/settings.ts';
import { appFunctions, type CfnResource, grantsOf, refId, resource, single } from './inspect.ts';
import { NO_DOCKER, newApp, synthesize } from './synth.ts';

// Synthesized with real esbuild bundling while Docker is unavailable (see synth.ts).
const synthesized = synthesize();
const { template, assembly } = synthesized;
const functions = appFunctions(synthesized);
const [tableId] = single(template, 'AWS::DynamoDB::GlobalTable');

/** Handlers the CDK adds for its own custom resources (none today); not functions of the app. */
function isCdkInternal(logicalId: string, fn: CfnResource): boolean {
  return (
    fn.Properties?.Handler === '__entrypoint__.handler' ||
    /^(AWS679f53fac002430cb0da5b7982bd2287|LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a)/.test(logicalId)
  );
}

/** The bundle of a function: its Code.S3Key is `<asset hash>.zip`, staged as `asset.<hash>/`. */
function bundleDir(cloudAssembly: CloudAssembly, fn: { Code: { S3Key: string } }): string {
  const hash = fn.Code.S3Key.replace(/\.zip$/, '');
  return join(cloudAssembly.directory, `asset.${hash}`);
}

/** The entities of the single table, by model name (`model: { entity: 'order', … }` under lambdas/model/). */
const MODEL_DIR = join(projectRoot, 'lambdas/model');
const ALL_ENTITIES = new Set(readdirSync(MODEL_DIR).flatMap((file) => [...readFileSync(join(MODEL_DIR, file), 'utf8').matchAll(/model: \{ entity: '(\w+)'/g)].map((match) => match[1]!))).size;
/** The entities a bundle constructs, by the model name each definition carries (minified: `model:{entity:"order",…`). */
const entitiesIn = (code: string) => new Set([...code.matchAll(/model:\{entity:"(\w+)"/g)].map((match) => match[1]!));

/** An ESM import of the AWS SDK left for the runtime to resolve (minified output has no spaces). */
const RUNTIME_SDK_IMPORT = /\b(?:from|import)["']@aws-sdk\/|\bimport\(["']@aws-sdk\//;

describe('functions of the app', () => {
  it('are all declared through CommerceFunction', () => {
    const declared = functions.map((f) => f.logicalId).sort();
    const synthesizedIds = Object.entries(template.findResources('AWS::Lambda::Function'))
      .filter(([id, fn]) => !isCdkInternal(id, fn as CfnResource))
      .map(([id]) => id)
      .sort();
    expect(synthesizedIds).toEqual(declared);
    expect(declared.length).toBeGreaterThanOrEqual(6);
  });

  it('each has its own log group', () => {
    const logGroups = functions.map((f) => refId(f.properties.LoggingConfig?.LogGroup));
    expect(new Set(logGroups).size).toBe(functions.length);
  });
});

describe.each(functions)('$entry', (fn) => {
  it('runs Node.js 24 on arm64 with active tracing', () => {
    expect(fn.properties).toMatchObject({
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      TracingConfig: { Mode: 'Active' },
      Handler: 'index.handler',
    });
  });

  it('logs to a log group with retention', () => {
    const logGroup = resource(template, refId(fn.properties.LoggingConfig?.LogGroup));
    expect(logGroup.Type).toBe('AWS::Logs::LogGroup');
    expect(logGroup.Properties.RetentionInDays).toBeGreaterThan(0);
  });

  it('names its source entry, which exists', () => {
    expect(fn.entry).toMatch(/^lambdas\/.+\.ts$/);
    expect(existsSync(join(projectRoot, fn.entry))).toBe(true);
  });

  describe('bundle', () => {
    const dir = bundleDir(assembly, fn.properties);

    it('is a single index.mjs: no source map, no node_modules shipped beside it', () => {
      expect(readdirSync(dir)).toEqual(['index.mjs']);
    });

    let cached: string | undefined;
    const code = () => (cached ??= readFileSync(join(dir, 'index.mjs'), 'utf8'));

    it('is an ES module exporting `handler`', () => {
      expect(code()).toMatch(/\bexport\{(?:[^}]*,)?(?:[\w$]+ as )?handler[,}]/);
      expect(code()).not.toMatch(/\bmodule\.exports\b/);
    });

    it('is minified', () => {
      // esbuild heads each module with a `// <path>` comment unless minifying.
      expect(code()).not.toContain(`// ${fn.entry}`);
      expect(code()).not.toMatch(/\bexport \{/);
    });

    it('defines `require` for bundled CommonJS dependencies', () => {
      expect(code()).toMatch(/createRequire/);
    });

    it('imports nothing from the AWS SDK at run time (the SDK is bundled, not the runtime’s copy)', () => {
      expect(code()).not.toMatch(RUNTIME_SDK_IMPORT);
    });

    it('carries zod, where it validates anything, with its English messages only (decision 0010)', () => {
      const carriesZod = code().includes('ZodError');
      expect(code().includes('Invalid input'), 'zod without its English messages, or the messages without zod').toBe(carriesZod);
      expect(code().includes('Ungültige Eingabe'), 'bundle carries the German locale').toBe(false);
    });

    it('carries zod’s functional API (zod/mini) only, never its classic API (decision 0015)', () => {
      // The classic API's schema classes, by the names zod gives them; zod/mini's are ZodMini…, core's $Zod….
      expect(/"Zod(?:Type|String|Object)"/.test(code()), 'bundle carries classic zod').toBe(false);
    });

    it('carries no jsonschema: ElectroDB’s model definitions are validated by the unit tests, not at each cold start (decision 0015)', () => {
      // One of jsonschema's own messages; lib/bundling/jsonschema.cjs has none of them but the two it answers with.
      expect(code().includes('does not meet minimum length'), 'bundle carries jsonschema').toBe(false);
    });

    it('constructs only the entities its adapters use, never the service of all of them (issue 9: each costs init time)', () => {
      // lambdas/model/service.ts joins every entity, for the scripts; a function's adapters build their own.
      expect(ALL_ENTITIES).toBeGreaterThan(15);
      expect(entitiesIn(code()).size).toBeLessThan(ALL_ENTITIES);
    });

    it('carries no X-Ray SDK: active tracing needs none in the function (decision 0010)', () => {
      expect(code().includes('AWS_XRAY_CONTEXT_MISSING'), 'bundle carries the X-Ray SDK').toBe(false);
    });

    const usesTable = grantsOf(template, fn.roleId).some(
      (g) => g.action.startsWith('dynamodb:') && g.resource === `<${tableId}.Arn>`,
    );
    it(usesTable ? 'contains the DynamoDB client its role is granted to call' : 'carries no DynamoDB client: its role grants no table access', () => {
      // The DynamoDB client's service id; a boolean keeps a failure from printing the whole bundle.
      expect(code().includes('DynamoDB_20120810'), usesTable ? 'bundle lacks the DynamoDB client' : 'bundle carries an unused DynamoDB client').toBe(usesTable);
    });
  });
});

describe('synthesis', () => {
  it('never uses Docker: a function that insists on Docker cannot be synthesized here', () => {
    expect(process.env.CDK_DOCKER).toBe(NO_DOCKER);
    expect(existsSync(NO_DOCKER)).toBe(false);
    const app = newApp();
    const stack = new Stack(app, 'DockerProbe');
    expect(() => {
      new NodejsFunction(stack, 'NeedsDocker', {
        entry: join(projectRoot, 'lambdas/orders/api.ts'),
        projectRoot,
        depsLockFilePath: join(projectRoot, 'package-lock.json'),
        bundling: { forceDockerBundling: true },
      });
      app.synth();
    }).toThrow(/ENOENT/);
  });
});
