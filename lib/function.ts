import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, type CfnFunction, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { BuildOptions } from 'esbuild';
import { join } from 'node:path';
import { defaultsFor } from '../lambdas/tunables.ts';
import { projectRoot } from './settings.ts';

/** CloudFormation metadata key naming a function's source entry; the sandbox runs that source. */
export const ENTRY_METADATA_KEY = 'commerce:entry';

/**
 * esbuild options shared by the deployed bundle and the sandbox, so both run the same code shape:
 * ESM, minified, AWS SDK bundled (faster cold start than the runtime's copy), ESM-first resolution.
 */
export const bundlingOptions = {
  format: 'esm',
  minify: true,
  target: 'node24',
  mainFields: ['module', 'main'],
  // Bundled CommonJS dependencies still call require(); give ESM output one.
  banner: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);",
} as const;

/**
 * Packages the bundles take from a module of ours (lib/bundling/) that narrows them to what the
 * functions use, where esbuild cannot tree-shake the package itself: zod/mini (what the functions
 * import, decision 0015) and zod (which none imports any more) without their 63 other locales
 * (decision 0010); jsonschema reduced to the one answer ElectroDB acts on, the model definitions
 * being validated by the real one wherever the source runs unbundled (decision 0015). An alias
 * also catches the package's subpaths (`zod/mini` would become `./lib/bundling/zod.mjs/mini`), so
 * each subpath the functions import needs its own entry.
 * Paths are relative to the project root, where both the CDK and the sandbox run esbuild.
 */
export const bundleAliases = {
  zod: './lib/bundling/zod.mjs',
  'zod/mini': './lib/bundling/zod-mini.mjs',
  jsonschema: './lib/bundling/jsonschema.cjs',
} as const;

/**
 * The same options for esbuild's JS API: what the sandbox builds its functions with and what
 * `npm run bench` measures, so both see exactly the deployed bundle. Run with the project root as
 * `absWorkingDir`.
 */
export const esbuildOptions = {
  bundle: true,
  platform: 'node',
  format: bundlingOptions.format,
  target: bundlingOptions.target,
  minify: bundlingOptions.minify,
  mainFields: [...bundlingOptions.mainFields],
  banner: { js: bundlingOptions.banner },
  alias: { ...bundleAliases },
} satisfies BuildOptions;

export interface CommerceFunctionProps {
  /** Source entry relative to the project root, e.g. `lambdas/orders/api.ts`. */
  readonly entry: string;
  readonly description: string;
  readonly memorySize?: number;
  readonly timeout?: Duration;
}

/**
 * Every function of the platform, declared the same way: Node.js 24 on arm64, ESM bundle built with
 * the local esbuild (never Docker), its own log group with retention, active tracing, a role that
 * starts empty — each construct grants only what its function uses — and exactly the variables
 * lambdas/tunables.ts declares for it.
 */
export class CommerceFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: CommerceFunctionProps) {
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const role = new Role(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${id}`,
    });
    logGroup.grantWrite(role);
    super(scope, id, {
      entry: join(projectRoot, props.entry),
      handler: 'handler',
      description: props.description,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 1024,
      timeout: props.timeout ?? Duration.seconds(10),
      tracing: Tracing.ACTIVE,
      logGroup,
      role,
      projectRoot,
      depsLockFilePath: join(projectRoot, 'package-lock.json'),
      environment: {
        POWERTOOLS_SERVICE_NAME: id,
        POWERTOOLS_METRICS_NAMESPACE: 'Commerce',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        // The tunables lambdas/tunables.ts declares for this function, at their defaults; the names
        // of the resources it uses come with their grants (Database.grant, …).
        ...defaultsFor(id),
      },
      bundling: {
        ...bundlingOptions,
        format: OutputFormat.ESM,
        mainFields: [...bundlingOptions.mainFields],
        bundleAwsSDK: true,
        forceDockerBundling: false,
        sourceMap: false,
        // NodejsFunction has no `alias` (nor plugins): esbuild's own `--alias:pkg=path` flags.
        esbuildArgs: { '--alias': Object.entries(bundleAliases).map(([pkg, path]) => `${pkg}=${path}`) },
      },
    });
    (this.node.defaultChild as CfnFunction).addMetadata(ENTRY_METADATA_KEY, props.entry);
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'X-Ray PutTraceSegments/PutTelemetryRecords support no resource-level permissions.',
    });
  }
}
