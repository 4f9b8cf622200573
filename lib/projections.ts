import { Duration, Validations } from 'aws-cdk-lib';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { Database } from './database.ts';
import { CommerceFunction } from './function.ts';

export interface ProjectionsProps {
  readonly database: Database;
  readonly environment: Record<string, string>;
}

/**
 * CQRS read models fed by the table's stream: user stats, recent orders and order history.
 * Event filters mean the consumer is invoked only for order changes; a batch that keeps failing
 * is bisected, retried a bounded number of times, then described on the failure queue.
 */
export class Projections extends Construct {
  readonly projectOrders: CommerceFunction;
  readonly failureQueue: Queue;

  constructor(scope: Construct, id: string, props: ProjectionsProps) {
    super(scope, id);
    this.failureQueue = new Queue(this, 'ProjectionFailures', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.failureQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the on-failure destination of the stream consumer; nothing consumes it automatically.',
    });

    this.projectOrders = new CommerceFunction(this, 'ProjectOrders', {
      entry: 'lambdas/projections/project-orders.ts',
      description: 'Keeps user stats, recent orders and order history from order changes',
      timeout: Duration.seconds(30),
      environment: props.environment,
    });
    props.database.grant(this.projectOrders, ['GetItem', 'Query', 'PutItem', 'UpdateItem', 'ConditionCheckItem']);
    this.projectOrders.addEventSource(
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
        filters: [
          FilterCriteria.filter({
            eventName: FilterRule.or('INSERT', 'MODIFY'),
            dynamodb: { NewImage: { __edb_e__: { S: FilterRule.isEqual('order') } } },
          }),
        ],
      }),
    );
  }
}
