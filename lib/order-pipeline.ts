import { Duration } from 'aws-cdk-lib';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { Database } from './database.ts';
import { CommerceFunction } from './function.ts';
import { settings } from './settings.ts';

export interface OrderPipelineProps {
  readonly database: Database;
  readonly environment: Record<string, string>;
}

/**
 * Async order placement: the order queue (with its dead-letter queue) and the worker that settles
 * each order in one DynamoDB transaction.
 */
export class OrderPipeline extends Construct {
  readonly orderQueue: Queue;
  readonly deadLetterQueue: Queue;
  readonly settleOrder: CommerceFunction;

  constructor(scope: Construct, id: string, props: OrderPipelineProps) {
    super(scope, id);
    const timeout = Duration.seconds(settings.settlementTimeoutSeconds);

    this.deadLetterQueue = new Queue(this, 'OrderDlq', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });

    this.orderQueue = new Queue(this, 'OrderQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // Lambda's guidance: at least 6× the function timeout, so a batch still being retried is not redelivered.
      visibilityTimeout: Duration.seconds(settings.settlementTimeoutSeconds * 6),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: settings.settlementMaxReceiveCount },
    });

    this.settleOrder = new CommerceFunction(this, 'SettleOrder', {
      entry: 'lambdas/orders/settle-order.ts',
      description: 'Settles a placed order: stock, payment, events and status in one transaction',
      timeout,
      environment: {
        ...props.environment,
        SETTLEMENT_MAX_RECEIVE_COUNT: String(settings.settlementMaxReceiveCount),
      },
    });
    props.database.grant(this.settleOrder, ['GetItem', 'BatchGetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem', 'ConditionCheckItem', 'BatchWriteItem']);
    this.settleOrder.addEventSource(
      new SqsEventSource(this.orderQueue, {
        batchSize: 10,
        maxBatchingWindow: Duration.seconds(1),
        reportBatchItemFailures: true,
        maxConcurrency: settings.settlementMaxConcurrency,
      }),
    );
  }
}
