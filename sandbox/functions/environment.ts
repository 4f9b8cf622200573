import type { TemplateResolver } from '../intrinsics.ts';
import { REGION } from '../physical-names.ts';
import { LOCAL_CREDENTIALS } from '../services/local-clients.ts';
import type { FunctionSpec } from '../topology/functions.ts';

/** Where functions' AWS SDK clients send requests; the SDK reads these from AWS_ENDPOINT_URL_<SERVICE>. */
interface ServiceEndpoints {
  readonly dynamodb: string;
  readonly sqs: string;
  readonly s3: string;
  readonly events: string;
  readonly ses: string;
}

/**
 * Sandbox defaults a developer may still override: no X-Ray daemon runs locally, and metrics
 * (EMF lines on stdout) are noise unless asked for, e.g. `POWERTOOLS_METRICS_DISABLED=false npm start`.
 */
const OVERRIDABLE_DEFAULTS: Readonly<Record<string, string>> = {
  POWERTOOLS_TRACE_ENABLED: 'false',
  POWERTOOLS_METRICS_DISABLED: 'true',
};

/**
 * A function's environment: its template variables (resolved against the local resources), the
 * variables Lambda itself sets, and the local endpoints, so function code needs no sandbox knowledge.
 * `overrides` (the sandbox's process environment and its `env` option) replace template variables
 * of the same name; Lambda's reserved variables cannot be overridden.
 */
export function functionEnvironment(
  fn: FunctionSpec,
  resolver: TemplateResolver,
  endpoints: ServiceEndpoints,
  overrides: Readonly<Record<string, string | undefined>>,
): Record<string, string> {
  const configurable: Record<string, string> = { ...OVERRIDABLE_DEFAULTS };
  for (const [name, value] of Object.entries(fn.environment)) configurable[name] = resolver.resolveString(value);
  for (const name of Object.keys(configurable)) {
    const override = overrides[name];
    if (override !== undefined) configurable[name] = override;
  }
  return {
    ...configurable,
    AWS_REGION: REGION,
    AWS_DEFAULT_REGION: REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
    AWS_ENDPOINT_URL_DYNAMODB_STREAMS: endpoints.dynamodb,
    AWS_ENDPOINT_URL_SQS: endpoints.sqs,
    AWS_ENDPOINT_URL_S3: endpoints.s3,
    AWS_ENDPOINT_URL_EVENTBRIDGE: endpoints.events,
    AWS_ENDPOINT_URL_SESV2: endpoints.ses,
    AWS_S3_FORCE_PATH_STYLE: 'true',
    AWS_LAMBDA_FUNCTION_NAME: fn.name,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memoryMb),
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_LOG_GROUP_NAME: fn.logGroupName,
  };
}
