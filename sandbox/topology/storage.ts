import type { AttributeDefinition, GlobalSecondaryIndex, KeySchemaElement, LocalSecondaryIndex } from '@aws-sdk/client-dynamodb';
import type { TemplateResolver } from '../intrinsics.ts';
import { resourcesOfType, type CfnTemplate } from '../template.ts';

export interface TableSpec {
  readonly logicalId: string;
  readonly name: string;
  readonly keySchema: KeySchemaElement[];
  readonly attributeDefinitions: AttributeDefinition[];
  readonly globalSecondaryIndexes: GlobalSecondaryIndex[];
  readonly localSecondaryIndexes: LocalSecondaryIndex[];
  readonly streamViewType: string | undefined;
  /** The TTL attribute, when TimeToLiveSpecification is enabled; the sandbox's sweeper honours it. */
  readonly ttlAttribute: string | undefined;
}

export interface QueueSpec {
  readonly logicalId: string;
  readonly name: string;
  readonly arn: string;
  /** SQS attributes as CreateQueue takes them (strings; RedrivePolicy as JSON with the DLQ's local ARN). */
  readonly attributes: Record<string, string>;
  readonly deadLetterTargetArn: string | undefined;
}

export interface BucketSpec {
  readonly logicalId: string;
  readonly name: string;
}

interface IndexProps {
  IndexName: string;
  KeySchema: KeySchemaElement[];
  Projection: GlobalSecondaryIndex['Projection'];
}

/** Tables (TableV2 and classic Table) with exactly the keys, indexes and stream the template declares. */
export function readTables(template: CfnTemplate, resolver: TemplateResolver): TableSpec[] {
  const tables = [...resourcesOfType(template, 'AWS::DynamoDB::GlobalTable'), ...resourcesOfType(template, 'AWS::DynamoDB::Table')];
  return tables.map(([logicalId, resource]) => {
    // Only the properties the emulator needs are resolved: others (KMS keys, replicas…) may reference
    // resources the sandbox does not model.
    const prop = (key: string) => resolver.resolve(resource.Properties?.[key]);
    const indexes = (key: string) =>
      ((prop(key) as IndexProps[] | undefined) ?? []).map(({ IndexName, KeySchema, Projection }) => ({ IndexName, KeySchema, Projection }));
    const ttl = prop('TimeToLiveSpecification') as { AttributeName?: string; Enabled?: boolean } | undefined;
    const stream = prop('StreamSpecification') as { StreamViewType?: string } | undefined;
    return {
      logicalId,
      name: resolver.ref(logicalId),
      keySchema: prop('KeySchema') as KeySchemaElement[],
      attributeDefinitions: prop('AttributeDefinitions') as AttributeDefinition[],
      globalSecondaryIndexes: indexes('GlobalSecondaryIndexes'),
      localSecondaryIndexes: indexes('LocalSecondaryIndexes'),
      streamViewType: stream?.StreamViewType,
      ttlAttribute: ttl?.Enabled ? ttl.AttributeName : undefined,
    };
  });
}

/** CloudFormation queue properties that are SQS attributes; encryption and tags mean nothing locally. */
const QUEUE_ATTRIBUTES = [
  'ContentBasedDeduplication',
  'DeduplicationScope',
  'DelaySeconds',
  'FifoQueue',
  'FifoThroughputLimit',
  'MaximumMessageSize',
  'MessageRetentionPeriod',
  'ReceiveMessageWaitTimeSeconds',
  'RedriveAllowPolicy',
  'RedrivePolicy',
  'VisibilityTimeout',
] as const;

export function readQueues(template: CfnTemplate, resolver: TemplateResolver): QueueSpec[] {
  return resourcesOfType(template, 'AWS::SQS::Queue').map(([logicalId, resource]) => {
    const attributes: Record<string, string> = {};
    for (const key of QUEUE_ATTRIBUTES) {
      const value = resolver.resolve(resource.Properties?.[key]);
      if (value === undefined) continue;
      attributes[key] = typeof value === 'object' ? JSON.stringify(value) : String(value);
    }
    const redrive = resolver.resolve(resource.Properties?.['RedrivePolicy']) as { deadLetterTargetArn?: string } | undefined;
    return {
      logicalId,
      name: resolver.getAtt(logicalId, 'QueueName'),
      arn: resolver.getAtt(logicalId, 'Arn'),
      attributes,
      deadLetterTargetArn: redrive?.deadLetterTargetArn,
    };
  });
}

export function readBuckets(template: CfnTemplate, resolver: TemplateResolver): BucketSpec[] {
  return resourcesOfType(template, 'AWS::S3::Bucket').map(([logicalId]) => ({ logicalId, name: resolver.ref(logicalId) }));
}
