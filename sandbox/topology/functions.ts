import { ENTRY_METADATA_KEY } from '../../lib/function.ts';
import { UnsupportedTemplateError } from '../errors.ts';
import type { TemplateResolver } from '../intrinsics.ts';
import { resourcesOfType, type CfnTemplate } from '../template.ts';

export interface FunctionSpec {
  readonly logicalId: string;
  readonly name: string;
  readonly arn: string;
  /** Source entry relative to the project root (the `commerce:entry` metadata). */
  readonly entry: string;
  /** The exported handler: `index.handler` → `handler`. */
  readonly handlerExport: string;
  /** The template's `Runtime`, e.g. `nodejs24.x`: the sandbox runs the function on that Node.js major. */
  readonly runtime: string;
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  readonly logGroupName: string;
  /** Environment.Variables as in the template; resolved once queue URLs and stream ARNs exist. */
  readonly environment: Readonly<Record<string, unknown>>;
}

interface MappingCommon {
  readonly logicalId: string;
  readonly functionLogicalId: string;
  readonly batchSize: number;
  readonly batchingWindowSeconds: number;
  readonly reportBatchItemFailures: boolean;
  /** FilterCriteria.Filters[].Pattern, parsed. */
  readonly filterPatterns: unknown[];
}

export interface SqsMappingSpec extends MappingCommon {
  readonly kind: 'sqs';
  readonly queueLogicalId: string;
  readonly maximumConcurrency: number | undefined;
}

export interface StreamMappingSpec extends MappingCommon {
  readonly kind: 'dynamodb-stream';
  readonly tableLogicalId: string;
  readonly streamArn: string;
  readonly startingPosition: 'TRIM_HORIZON' | 'LATEST';
  readonly bisectBatchOnFunctionError: boolean;
  /** -1 = retry until the record expires, like Lambda's default. */
  readonly maximumRetryAttempts: number;
  /** -1 = no limit. */
  readonly maximumRecordAgeSeconds: number;
  readonly onFailureQueueLogicalId: string | undefined;
}

export type EventSourceMappingSpec = SqsMappingSpec | StreamMappingSpec;

/**
 * The platform's functions: those with a `commerce:entry` source. Functions without one are CDK's
 * own deploy-time machinery (custom resource providers) and have nothing to run locally.
 */
export function readFunctions(template: CfnTemplate, resolver: TemplateResolver): FunctionSpec[] {
  return resourcesOfType(template, 'AWS::Lambda::Function').flatMap(([logicalId, resource]) => {
    const entry = resource.Metadata?.[ENTRY_METADATA_KEY];
    if (typeof entry !== 'string') return [];
    const props = resource.Properties ?? {};
    const environment = (props['Environment'] as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
    const handler = String(props['Handler'] ?? 'index.handler');
    const name = resolver.ref(logicalId);
    const logGroup = (props['LoggingConfig'] as { LogGroup?: unknown } | undefined)?.LogGroup;
    return [
      {
        logicalId,
        name,
        arn: resolver.getAtt(logicalId, 'Arn'),
        entry,
        handlerExport: handler.slice(handler.lastIndexOf('.') + 1),
        runtime: String(props['Runtime'] ?? ''),
        memoryMb: Number(props['MemorySize'] ?? 128),
        timeoutSeconds: Number(props['Timeout'] ?? 3),
        logGroupName: logGroup === undefined ? `/aws/lambda/${name}` : resolver.resolveString(logGroup),
        environment,
      },
    ];
  });
}

/** Event source mappings with Lambda's defaults filled in, their source and target named by logical id. */
export function readEventSourceMappings(
  template: CfnTemplate,
  resolver: TemplateResolver,
  functions: readonly FunctionSpec[],
  streamArns: Readonly<Record<string, string>>,
): EventSourceMappingSpec[] {
  const functionIds = new Map(functions.flatMap((f) => [[f.name, f.logicalId], [f.arn, f.logicalId]] as const));
  const queueIds = reverseIndex(template, 'AWS::SQS::Queue', (id) => resolver.getAtt(id, 'Arn'));
  const streamIds = new Map(Object.entries(streamArns).map(([tableLogicalId, arn]) => [arn, tableLogicalId]));

  return resourcesOfType(template, 'AWS::Lambda::EventSourceMapping').flatMap(([logicalId, resource]): EventSourceMappingSpec[] => {
    const prop = (key: string) => resolver.resolve(resource.Properties?.[key]);
    if (prop('Enabled') === false) return [];
    const functionLogicalId = functionIds.get(String(prop('FunctionName')));
    if (!functionLogicalId) return [];
    const sourceArn = String(prop('EventSourceArn'));
    const responseTypes = (prop('FunctionResponseTypes') as string[] | undefined) ?? [];
    const filters = (prop('FilterCriteria') as { Filters?: Array<{ Pattern: string }> } | undefined)?.Filters ?? [];
    const common = {
      logicalId,
      functionLogicalId,
      batchingWindowSeconds: Number(prop('MaximumBatchingWindowInSeconds') ?? 0),
      reportBatchItemFailures: responseTypes.includes('ReportBatchItemFailures'),
      filterPatterns: filters.map((filter) => JSON.parse(filter.Pattern) as unknown),
    };

    const queueLogicalId = queueIds.get(sourceArn);
    if (queueLogicalId) {
      const scaling = prop('ScalingConfig') as { MaximumConcurrency?: number } | undefined;
      return [{ ...common, kind: 'sqs', queueLogicalId, batchSize: Number(prop('BatchSize') ?? 10), maximumConcurrency: scaling?.MaximumConcurrency }];
    }
    const tableLogicalId = streamIds.get(sourceArn);
    if (tableLogicalId) {
      const destination = (prop('DestinationConfig') as { OnFailure?: { Destination?: string } } | undefined)?.OnFailure?.Destination;
      const onFailureQueueLogicalId = destination === undefined ? undefined : queueIds.get(destination);
      if (destination !== undefined && !onFailureQueueLogicalId) {
        throw new UnsupportedTemplateError(`${logicalId}: only SQS on-failure destinations are emulated (got ${destination})`);
      }
      return [
        {
          ...common,
          kind: 'dynamodb-stream',
          tableLogicalId,
          streamArn: sourceArn,
          startingPosition: prop('StartingPosition') === 'LATEST' ? 'LATEST' : 'TRIM_HORIZON',
          batchSize: Number(prop('BatchSize') ?? 100),
          bisectBatchOnFunctionError: prop('BisectBatchOnFunctionError') === true,
          maximumRetryAttempts: Number(prop('MaximumRetryAttempts') ?? -1),
          maximumRecordAgeSeconds: Number(prop('MaximumRecordAgeInSeconds') ?? -1),
          onFailureQueueLogicalId,
        },
      ];
    }
    throw new UnsupportedTemplateError(`${logicalId}: event source ${sourceArn} is not emulated by the sandbox`);
  });
}

function reverseIndex(template: CfnTemplate, type: string, physical: (logicalId: string) => string): Map<string, string> {
  return new Map(resourcesOfType(template, type).map(([logicalId]) => [physical(logicalId), logicalId]));
}
