import { UnsupportedTemplateError } from '../errors.ts';
import type { TemplateResolver } from '../intrinsics.ts';
import { resourcesOfType, type CfnTemplate } from '../template.ts';
import type { FunctionSpec } from './functions.ts';

export interface EventBusSpec {
  readonly logicalId: string;
  readonly name: string;
}

export interface ArchiveSpec {
  readonly logicalId: string;
  readonly name: string;
  readonly busName: string;
  /** Undefined: every event of the bus. */
  readonly eventPattern: unknown;
  readonly retentionDays: number | undefined;
}

export interface RuleTargetSpec {
  readonly functionLogicalId: string;
  /** Where EventBridge would park an event it cannot deliver to the function; the sandbox always can. */
  readonly deadLetterQueueLogicalId: string | undefined;
}

export interface EventRuleSpec {
  readonly logicalId: string;
  readonly name: string;
  readonly busName: string;
  readonly eventPattern: unknown;
  readonly targets: readonly RuleTargetSpec[];
}

/** A function's asynchronous invocation settings (AWS::Lambda::EventInvokeConfig, Lambda's defaults otherwise). */
export interface AsyncInvokeSpec {
  readonly functionLogicalId: string;
  readonly maximumRetryAttempts: number;
  readonly maximumEventAgeSeconds: number;
  readonly onFailureQueueLogicalId: string | undefined;
}

export interface EventBusTopology {
  readonly buses: readonly EventBusSpec[];
  readonly archives: readonly ArchiveSpec[];
  readonly rules: readonly EventRuleSpec[];
  readonly asyncInvoke: Readonly<Record<string, AsyncInvokeSpec>>;
}

/** Lambda's defaults for asynchronous invocations: two retries, six hours. */
export const ASYNC_DEFAULTS = { maximumRetryAttempts: 2, maximumEventAgeSeconds: 6 * 3600 } as const;

/**
 * The template's event buses, archives, event-pattern rules (scheduled rules are sandbox/schedules.ts')
 * and the asynchronous invocation settings of the functions they target.
 */
export function readEventBusTopology(template: CfnTemplate, resolver: TemplateResolver, functions: readonly FunctionSpec[]): EventBusTopology {
  const functionIds = new Map(functions.flatMap((fn) => [[fn.arn, fn.logicalId], [fn.name, fn.logicalId]] as const));
  const queueIds = new Map(resourcesOfType(template, 'AWS::SQS::Queue').map(([id]) => [resolver.getAtt(id, 'Arn'), id]));
  const busNames = new Map(resourcesOfType(template, 'AWS::Events::EventBus').map(([id]) => [resolver.getAtt(id, 'Arn'), resolver.ref(id)]));
  const busOf = (value: unknown) => {
    if (value === undefined) return 'default';
    const text = resolver.resolveString(value);
    return busNames.get(text) ?? text.slice(text.lastIndexOf('/') + 1);
  };
  const queueOf = (owner: string, arn: unknown) => {
    if (arn === undefined) return undefined;
    const id = queueIds.get(resolver.resolveString(arn));
    if (!id) throw new UnsupportedTemplateError(`${owner}: only SQS dead-letter and on-failure queues are emulated`);
    return id;
  };

  const buses = resourcesOfType(template, 'AWS::Events::EventBus').map(([logicalId]) => ({ logicalId, name: resolver.ref(logicalId) }));
  const archives = resourcesOfType(template, 'AWS::Events::Archive').map(([logicalId, resource]) => {
    const props = resource.Properties ?? {};
    return {
      logicalId,
      name: props['ArchiveName'] === undefined ? logicalId : resolver.resolveString(props['ArchiveName']),
      busName: busOf(props['SourceArn']),
      eventPattern: props['EventPattern'] === undefined ? undefined : resolver.resolve(props['EventPattern']),
      retentionDays: props['RetentionDays'] === undefined ? undefined : Number(props['RetentionDays']),
    };
  });
  const rules = resourcesOfType(template, 'AWS::Events::Rule').flatMap(([logicalId, resource]) => {
    const props = resource.Properties ?? {};
    if (props['EventPattern'] === undefined || props['State'] === 'DISABLED') return [];
    const targets = ((props['Targets'] as Array<Record<string, unknown>> | undefined) ?? []).map((target) => {
      const functionLogicalId = functionIds.get(resolver.resolveString(target['Arn']));
      if (!functionLogicalId) throw new UnsupportedTemplateError(`${logicalId}: only function targets of event rules are emulated`);
      return { functionLogicalId, deadLetterQueueLogicalId: queueOf(logicalId, (target['DeadLetterConfig'] as { Arn?: unknown } | undefined)?.Arn) };
    });
    const name = props['Name'] === undefined ? logicalId : resolver.resolveString(props['Name']);
    return [{ logicalId, name, busName: busOf(props['EventBusName']), eventPattern: resolver.resolve(props['EventPattern']), targets }];
  });
  const asyncInvoke = Object.fromEntries(
    resourcesOfType(template, 'AWS::Lambda::EventInvokeConfig').flatMap(([logicalId, resource]) => {
      const props = resource.Properties ?? {};
      const functionLogicalId = functionIds.get(resolver.resolveString(props['FunctionName']));
      if (!functionLogicalId) return [];
      const destination = (props['DestinationConfig'] as { OnFailure?: { Destination?: unknown } } | undefined)?.OnFailure?.Destination;
      const spec: AsyncInvokeSpec = {
        functionLogicalId,
        maximumRetryAttempts: Number(props['MaximumRetryAttempts'] ?? ASYNC_DEFAULTS.maximumRetryAttempts),
        maximumEventAgeSeconds: Number(props['MaximumEventAgeInSeconds'] ?? ASYNC_DEFAULTS.maximumEventAgeSeconds),
        onFailureQueueLogicalId: queueOf(logicalId, destination),
      };
      return [[functionLogicalId, spec]];
    }),
  );
  return { buses, archives, rules, asyncInvoke };
}
