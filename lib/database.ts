import { type CfnElement, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { AttributeType, Billing, StreamViewType, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';

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
   * Grants exactly the DynamoDB actions a function uses on the table, plus Query on its indexes
   * when it reads them — narrower than the grantRead/WriteData bundles.
   */
  grant(grantee: IGrantable & IFunction, actions: string[], options: { indexes?: boolean | string[] } = {}): void {
    if (actions.length > 0) Grant.addToPrincipal({ grantee, actions: actions.map((a) => `dynamodb:${a}`), resourceArns: [this.table.tableArn] });
    if (Array.isArray(options.indexes)) {
      const indexArns = options.indexes.map((index) => `${this.table.tableArn}/index/${index}`);
      Grant.addToPrincipal({ grantee, actions: ['dynamodb:Query'], resourceArns: indexArns });
      return;
    }
    if (!options.indexes) return;
    // Indexes can only be read, and the platform only Queries them.
    Grant.addToPrincipal({ grantee, actions: ['dynamodb:Query'], resourceArns: [`${this.table.tableArn}/index/*`] });
    const tableId = Stack.of(this).getLogicalId(this.table.node.defaultChild as CfnElement);
    Validations.of(grantee.role ?? grantee).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${tableId}.Arn>/index/*]`,
      reason: 'Queries the table’s own GSIs (gsi1, gsi2): index ARNs only exist under the table ARN.',
    });
  }
}
