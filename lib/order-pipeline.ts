import { Duration } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { Grant } from 'aws-cdk-lib/aws-iam';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { Database } from './database.ts';
import { failureQueue } from './failure-queue.ts';
import { CommerceFunction } from './function.ts';
import type { OrderEvents } from './order-events.ts';
import { settings } from './settings.ts';
import { tunables } from '../lambdas/tunables.ts';

/**
 * Binds the order queue to a sender: its URL (ORDER_QUEUE_URL) and only SendMessage (SendMessageBatch
 * needs no more): grantSendMessages adds two read actions the code never calls.
 */
function grantSend(queue: Queue, fn: CommerceFunction): void {
  fn.addEnvironment(tunables.orderQueueUrl.variable, queue.queueUrl);
  Grant.addToPrincipal({ grantee: fn, actions: ['sqs:SendMessage'], resourceArns: [queue.queueArn] });
}

export interface OrderPipelineProps {
  readonly database: Database;
  /** The bus the relay publishes every order event to (decision 0009). */
  readonly orderEvents: OrderEvents;
}

/**
 * Async order placement (decision 0004): the table is the only source of truth. The outbox relay
 * turns each new PENDING order on the table's stream into a message on the order queue; the worker
 * settles it in one DynamoDB transaction; the backstop re-drives (or finally rejects) any order
 * still PENDING after the timeout, whatever was lost on the way.
 */
export class OrderPipeline extends Construct {
  readonly orderQueue: Queue;
  readonly deadLetterQueue: Queue;
  readonly outboxFailures: Queue;
  readonly settleOrder: CommerceFunction;
  readonly relayPlacedOrders: CommerceFunction;
  readonly backstop: CommerceFunction;

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
    });
    props.database.grant(this.settleOrder, ['GetItem', 'BatchGetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem']);
    this.settleOrder.addEventSource(
      new SqsEventSource(this.orderQueue, {
        // Sized from the table's write capacity (docs/data-model.md, "Settlement concurrency"):
        // workers, the records each settles at once, and (SETTLEMENT_RATE_PER_WORKER) how fast.
        // No batching window: a settlement starts as soon as its message is there (SPEC §7 wants
        // 202 → CONFIRMED within 2 s at p99; a window would spend up to its length waiting for
        // company). Under load batches still fill from what is queued.
        batchSize: settings.settlementBatchSize,
        reportBatchItemFailures: true,
        maxConcurrency: settings.settlementMaxConcurrency,
      }),
    );

    this.outboxFailures = failureQueue(
      this,
      'OutboxFailures',
      'This queue is itself the on-failure destination of the outbox relay; the backstop re-drives what it describes.',
    );
    this.relayPlacedOrders = new CommerceFunction(this, 'RelayPlacedOrders', {
      entry: 'lambdas/orders/relay-placed-orders.ts',
      description: 'Transactional outbox: new PENDING orders onto the order queue, order events onto the event bus',
      timeout: Duration.seconds(30),
      memorySize: 512,
    });
    grantSend(this.orderQueue, this.relayPlacedOrders);
    props.orderEvents.grantPublish(this.relayPlacedOrders);
    this.relayPlacedOrders.addEventSource(
      new DynamoEventSource(props.database.table, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: 100,
        bisectBatchOnError: true,
        retryAttempts: 10,
        maxRecordAge: Duration.hours(24),
        reportBatchItemFailures: true,
        onFailure: new SqsDlq(this.outboxFailures),
        filters: [
          FilterCriteria.filter({
            eventName: FilterRule.isEqual('INSERT'),
            dynamodb: { NewImage: { __edb_e__: { S: FilterRule.isEqual('order') }, status: { S: FilterRule.isEqual('PENDING') } } },
          }),
          // Every event appended to an order's log goes out on the bus: the same reader, not a fourth (decision 0009).
          FilterCriteria.filter({
            eventName: FilterRule.isEqual('INSERT'),
            dynamodb: { NewImage: { __edb_e__: { S: FilterRule.isEqual('orderEvent') } } },
          }),
        ],
      }),
    );

    this.backstop = new CommerceFunction(this, 'OrderBackstop', {
      entry: 'lambdas/orders/backstop.ts',
      description: 'Re-drives orders still PENDING after the timeout, or rejects them SETTLEMENT_FAILED',
      timeout: Duration.seconds(50),
      memorySize: 512,
    });
    props.database.grant(this.backstop, ['UpdateItem', 'PutItem'], { indexes: ['gsi3'] });
    grantSend(this.orderQueue, this.backstop);
    new Rule(this, 'BackstopSchedule', {
      description: 'Runs the pending-order backstop',
      schedule: Schedule.rate(Duration.minutes(settings.backstopIntervalMinutes)),
      targets: [new LambdaFunction(this.backstop, { retryAttempts: 2, maxEventAge: Duration.minutes(5) })],
    });
  }
}
