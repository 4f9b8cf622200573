import { Match, type Template } from 'aws-cdk-lib/assertions';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { CommerceFunction, ENTRY_METADATA_KEY } from '../../lib/function.ts';
import type { Synthesized } from './synth.ts';

/** A synthesized CloudFormation resource, loosely typed: tests read what they assert. */
export interface CfnResource {
  readonly Type: string;
  readonly Properties?: any;
  readonly Metadata?: Record<string, unknown>;
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
}

/** The one resource of a type; fails if there is none or several. */
export function single(template: Template, type: string, props?: object): [logicalId: string, resource: CfnResource] {
  const found = Object.entries(template.findResources(type, props && { Properties: props }));
  if (found.length !== 1) {
    throw new Error(`expected exactly one ${type}, found ${found.length}: ${found.map(([id]) => id).join(', ')}`);
  }
  return found[0] as [string, CfnResource];
}

export function resource(template: Template, logicalId: string): CfnResource {
  const found = template.toJSON().Resources?.[logicalId];
  if (!found) throw new Error(`no resource ${logicalId} in the template`);
  return found;
}

/** The logical id behind `{Ref: id}` or `{'Fn::GetAtt': [id, attr]}`. */
export function refId(value: unknown): string {
  const v = value as { Ref?: string; 'Fn::GetAtt'?: [string, string] };
  const id = v?.Ref ?? v?.['Fn::GetAtt']?.[0];
  if (typeof id !== 'string') throw new Error(`not a Ref/GetAtt: ${JSON.stringify(value)}`);
  return id;
}

/**
 * A CloudFormation value as readable text, the way cdk-nag names resources:
 * `{Ref: X}` → `<X>`, `{'Fn::GetAtt': [X, 'Arn']}` → `<X.Arn>`, `Fn::Join` concatenated.
 */
export function show(value: unknown): string {
  if (typeof value === 'string') return value;
  const v = value as Record<string, any>;
  if (v?.Ref) return `<${v.Ref}>`;
  if (v?.['Fn::GetAtt']) return `<${v['Fn::GetAtt'].join('.')}>`;
  if (v?.['Fn::Join']) return (v['Fn::Join'][1] as unknown[]).map(show).join(v['Fn::Join'][0]);
  return JSON.stringify(value);
}

export interface AppFunction {
  readonly logicalId: string;
  /** Source entry (the `commerce:entry` metadata), e.g. `lambdas/orders/api.ts`. */
  readonly entry: string;
  readonly properties: any;
  readonly metadata: Record<string, unknown>;
  readonly roleId: string;
}

/** Every function the app declares through CommerceFunction, read back from the template. */
export function appFunctions({ stack, template }: Synthesized): AppFunction[] {
  return stack.node
    .findAll()
    .filter((c): c is CommerceFunction => c instanceof CommerceFunction)
    .map((fn) => {
      const logicalId = stack.getLogicalId(fn.node.defaultChild as CfnFunction);
      const { Properties, Metadata = {} } = resource(template, logicalId);
      return {
        logicalId,
        entry: String(Metadata[ENTRY_METADATA_KEY]),
        properties: Properties,
        metadata: Metadata,
        roleId: refId(Properties.Role),
      };
    });
}

export function functionByEntry(functions: AppFunction[], entry: string): AppFunction {
  const fn = functions.find((f) => f.entry === entry);
  if (!fn) throw new Error(`no function with entry ${entry} (have: ${functions.map((f) => f.entry).join(', ')})`);
  return fn;
}

/** One allowed action on one resource, e.g. `dynamodb:Query on <DatabaseTableF104A135.Arn>`. */
export interface Grant {
  readonly action: string;
  readonly resource: string;
}

/**
 * Every Allow of a role: its inline policies and the AWS::IAM::Policy resources attached to it.
 * NotAction/NotResource would defeat a reading like this one, so they fail loudly.
 */
export function grantsOf(template: Template, roleId: string): Grant[] {
  const role = resource(template, roleId);
  const attached = Object.values(
    template.findResources('AWS::IAM::Policy', { Properties: { Roles: Match.arrayWith([{ Ref: roleId }]) } }),
  ).map((p) => p.Properties.PolicyDocument);
  const inline = (role.Properties?.Policies ?? []).map((p: any) => p.PolicyDocument);
  const grants: Grant[] = [];
  for (const document of [...attached, ...inline]) {
    for (const statement of document.Statement) {
      if (statement.NotAction || statement.NotResource) {
        throw new Error(`NotAction/NotResource in the policy of ${roleId}: ${JSON.stringify(statement)}`);
      }
      if (statement.Effect !== 'Allow') continue;
      for (const action of [statement.Action].flat()) {
        for (const res of [statement.Resource].flat()) grants.push({ action, resource: show(res) });
      }
    }
  }
  return grants;
}

/**
 * The asynchronous wiring, found by following references rather than by name: the SQS mapping
 * (event source ARN `GetAtt …Arn`) and its queue and DLQ, the stream mapping (`GetAtt …StreamArn`)
 * and its on-failure queue.
 */
export function asyncWiring(template: Template) {
  const [, sqsMapping] = single(template, 'AWS::Lambda::EventSourceMapping', {
    EventSourceArn: { 'Fn::GetAtt': [Match.anyValue(), 'Arn'] },
  });
  const streamMappings = Object.values(
    template.findResources('AWS::Lambda::EventSourceMapping', {
      Properties: { EventSourceArn: { 'Fn::GetAtt': [Match.anyValue(), 'StreamArn'] } },
    }),
  ) as CfnResource[];
  const streamMappingOf = (entry: string) => {
    const found = streamMappings.filter(
      (mapping) => resource(template, refId(mapping.Properties.FunctionName)).Metadata?.['commerce:entry'] === entry,
    );
    if (found.length !== 1) throw new Error(`expected one stream mapping for ${entry}, found ${found.length}`);
    return found[0]!;
  };
  const streamMapping = streamMappingOf('lambdas/projections/project-orders.ts');
  const metricsStreamMapping = streamMappingOf('lambdas/projections/project-metrics.ts');
  const relayStreamMapping = streamMappingOf('lambdas/orders/relay-placed-orders.ts');
  const orderQueueId = refId(sqsMapping.Properties.EventSourceArn);
  return {
    sqsMapping,
    streamMapping,
    metricsStreamMapping,
    relayStreamMapping,
    streamMappingCount: streamMappings.length,
    orderQueueId,
    dlqId: refId(resource(template, orderQueueId).Properties.RedrivePolicy?.deadLetterTargetArn),
    failureQueueId: refId(streamMapping.Properties.DestinationConfig?.OnFailure?.Destination),
    outboxFailuresId: refId(relayStreamMapping.Properties.DestinationConfig?.OnFailure?.Destination),
  };
}

/**
 * The notification path, found by following references: the rule with an event pattern, its one
 * target (the notifier) and that target's DLQ, and the notifier's asynchronous on-failure queue.
 */
export function notificationWiring(template: Template) {
  const [ruleId, rule] = single(template, 'AWS::Events::Rule', { EventPattern: Match.anyValue() });
  const [target] = rule.Properties.Targets;
  const [, invokeConfig] = single(template, 'AWS::Lambda::EventInvokeConfig');
  return {
    ruleId,
    rule,
    target,
    invokeConfig,
    notifierId: refId(target.Arn),
    deliveryDlqId: refId(target.DeadLetterConfig?.Arn),
    notificationFailuresId: refId(invokeConfig.Properties.DestinationConfig?.OnFailure?.Destination),
  };
}
