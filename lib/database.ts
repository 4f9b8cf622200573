import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, Billing, StreamViewType, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { tunables } from '../lambdas/tunables.ts';

/** Physical names of the single table's keys and indexes. lambdas/model/table.ts mirrors these. */
export const tableKeys = {
  partitionKey: 'pk',
  sortKey: 'sk',
  ttl: 'ttl',
  indexes: [
    { indexName: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
    { indexName: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
    { indexName: 'gsi3', partitionKey: 'gsi3pk', sortKey: 'gsi3sk' },
  ],
} as const;

export interface DatabaseProps {
  /** Throwaway stacks: no deletion protection, and the table is destroyed with the stack. */
  readonly ephemeral: boolean;
}

/**
 * The single table holding every entity. Generic key names (pk/sk, gsiNpk/gsiNsk) let each entity
 * overload them for its own access patterns (docs/access-patterns.md). The stream carries both
 * images for the projections; TTL expires carts, metric events and idempotency records.
 */
export class Database extends Construct {
  readonly table: TableV2;

  constructor(scope: Construct, id: string, props: DatabaseProps) {
    super(scope, id);
    this.table = new TableV2(this, 'Table', {
      partitionKey: { name: tableKeys.partitionKey, type: AttributeType.STRING },
      sortKey: { name: tableKeys.sortKey, type: AttributeType.STRING },
      billing: Billing.onDemand(),
      globalSecondaryIndexes: tableKeys.indexes.map((index) => ({
        indexName: index.indexName,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
      })),
      timeToLiveAttribute: tableKeys.ttl,
      dynamoStream: StreamViewType.NEW_AND_OLD_IMAGES,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      contributorInsightsSpecification: { enabled: true },
      deletionProtection: !props.ephemeral,
      removalPolicy: props.ephemeral ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    });
  }

  /**
   * Binds the table to a function: its name (TABLE_NAME) and exactly the DynamoDB actions the
   * function uses on it, plus Query on the indexes it reads, by name — narrower than the
   * grantRead/WriteData bundles and than `index/*`.
   */
  grant(grantee: IGrantable & IFunction & { addEnvironment(key: string, value: string): unknown }, actions: string[], options: { indexes?: string[] } = {}): void {
    grantee.addEnvironment(tunables.tableName.variable, this.table.tableName);
    if (actions.length > 0) Grant.addToPrincipal({ grantee, actions: actions.map((a) => `dynamodb:${a}`), resourceArns: [this.table.tableArn] });
    const indexes = options.indexes ?? [];
    // Indexes can only be read, and the platform only Queries them.
    if (indexes.length > 0) Grant.addToPrincipal({ grantee, actions: ['dynamodb:Query'], resourceArns: indexes.map((index) => `${this.table.tableArn}/index/${index}`) });
  }
}
