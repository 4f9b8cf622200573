import { Duration } from 'aws-cdk-lib';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { Archive } from './archive.ts';
import type { Database } from './database.ts';
import { failureQueue } from './failure-queue.ts';
import { CommerceFunction } from './function.ts';

export interface ProjectionsProps {
  readonly database: Database;
  readonly archive: Archive;
}

/**
 * CQRS read models fed by the table's stream. Two consumers, each invoked (through event filters)
 * only for the records it uses: order changes → user stats, recent orders, order history, product
 * sales and top products; metric events → hourly rollups, and their TTL expiry → the S3 archive.
 * A batch that keeps failing is bisected, retried a bounded number of times, then described on the
 * failure queue.
 */
export class Projections extends Construct {
  readonly projectOrders: CommerceFunction;
  readonly projectMetrics: CommerceFunction;
  readonly failureQueue: Queue;

  constructor(scope: Construct, id: string, props: ProjectionsProps) {
    super(scope, id);
    this.failureQueue = failureQueue(
      this,
      'ProjectionFailures',
      'This queue is itself the on-failure destination of the stream consumer; nothing consumes it automatically.',
    );

    this.projectOrders = new CommerceFunction(this, 'ProjectOrders', {
      entry: 'lambdas/projections/project-orders.ts',
      description: 'Keeps user stats, recent orders and order history from order changes',
      timeout: Duration.seconds(30),
    });
    props.database.grant(this.projectOrders, ['GetItem', 'BatchGetItem', 'PutItem', 'UpdateItem']);
    const streamSource = (filters: Array<Record<string, unknown>>) =>
      new DynamoEventSource(props.database.table, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: 100,
        maxBatchingWindow: Duration.seconds(1),
        bisectBatchOnError: true,
        retryAttempts: 5,
        maxRecordAge: Duration.hours(24),
        reportBatchItemFailures: true,
        parallelizationFactor: 2,
        onFailure: new SqsDlq(this.failureQueue),
        filters,
      });
    this.projectOrders.addEventSource(
      streamSource([
        FilterCriteria.filter({
          eventName: FilterRule.or('INSERT', 'MODIFY'),
          dynamodb: { NewImage: { __edb_e__: { S: FilterRule.isEqual('order') } } },
        }),
      ]),
    );

    this.projectMetrics = new CommerceFunction(this, 'ProjectMetrics', {
      entry: 'lambdas/projections/project-metrics.ts',
      description: 'Hourly metric rollups, and the archive of expired metric events',
      timeout: Duration.seconds(60),
    });
    props.database.grant(this.projectMetrics, ['UpdateItem']);
    props.archive.grantArchiveWrites(this.projectMetrics);
    this.projectMetrics.addEventSource(
      streamSource([
        FilterCriteria.filter({
          eventName: FilterRule.isEqual('INSERT'),
          dynamodb: { NewImage: { __edb_e__: { S: FilterRule.isEqual('metricEvent') } } },
        }),
        // Only DynamoDB's own TTL deletions are archived, never a deliberate delete.
        FilterCriteria.filter({
          eventName: FilterRule.isEqual('REMOVE'),
          userIdentity: { type: FilterRule.isEqual('Service'), principalId: FilterRule.isEqual('dynamodb.amazonaws.com') },
          dynamodb: { OldImage: { __edb_e__: { S: FilterRule.isEqual('metricEvent') } } },
        }),
      ]),
    );
  }
}
