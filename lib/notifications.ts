import { Duration, Stack } from 'aws-cdk-lib';
import { Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Grant } from 'aws-cdk-lib/aws-iam';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { ConfigurationSet, ConfigurationSetTlsPolicy, SuppressionReasons } from 'aws-cdk-lib/aws-ses';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ORDER_OUTCOME_TYPES } from '../lambdas/domain/order-events.ts';
import type { Database } from './database.ts';
import { failureQueue } from './failure-queue.ts';
import { CommerceFunction } from './function.ts';
import { orderEventPattern, type OrderEvents } from './order-events.ts';
import { tunables } from '../lambdas/tunables.ts';

export interface NotificationsConfig {
  /** The From address (context `notificationSender`). */
  readonly sender?: string;
  /** The verified SES identity it sends as (context `notificationIdentity`): the sender's domain by default. */
  readonly identity?: string;
  /** An existing configuration set to send under (context `sesConfigurationSet`); otherwise the stack creates one. */
  readonly configurationSetName?: string;
}

export interface NotificationsProps extends NotificationsConfig {
  readonly database: Database;
  readonly orderEvents: OrderEvents;
}

/** Used when no sender is configured: synthesizes anywhere; deploy with `-c notificationSender=…` of a verified identity. */
export const DEFAULT_SENDER = 'orders@example.com';

/**
 * Order notifications (SPEC §6): a rule on OrderConfirmed and OrderRejected invokes NotifyCustomer,
 * which emails the customer through SES v2 exactly once per outcome (an idempotency record in the
 * table). What cannot be delivered is never dropped: a failed invocation is retried by Lambda and
 * then lands on NotificationFailures; an event the bus cannot deliver to the function at all, after
 * its own retries, lands on NotificationDeliveryDlq. This rule is also the one to copy for a new
 * downstream consumer: pattern from orderEventPattern, a target with retries and a DLQ.
 */
export class Notifications extends Construct {
  readonly notifyCustomer: CommerceFunction;
  readonly failures: Queue;
  readonly deliveryDlq: Queue;
  readonly rule: Rule;

  constructor(scope: Construct, id: string, props: NotificationsProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const sender = props.sender ?? DEFAULT_SENDER;
    const identity = props.identity ?? sender.slice(sender.lastIndexOf('@') + 1);
    const configurationSetName =
      props.configurationSetName ??
      new ConfigurationSet(this, 'ConfigurationSet', {
        configurationSetName: `${stack.stackName}-notifications`,
        tlsPolicy: ConfigurationSetTlsPolicy.REQUIRE,
        suppressionReasons: SuppressionReasons.BOUNCES_AND_COMPLAINTS,
        reputationMetrics: true,
      }).configurationSetName;

    this.failures = failureQueue(
      this,
      'NotificationFailures',
      'This queue is itself the on-failure destination of NotifyCustomer; an operator replays what it describes from the archive.',
    );
    this.deliveryDlq = failureQueue(
      this,
      'NotificationDeliveryDlq',
      'This queue is itself the dead-letter queue of the notification rule; an operator replays what it holds from the archive.',
    );

    this.notifyCustomer = new CommerceFunction(this, 'NotifyCustomer', {
      entry: 'lambdas/notifications/notify-customer.ts',
      description: 'Emails the customer the outcome of an order, once per outcome',
      timeout: Duration.seconds(30),
      memorySize: 512,
    });
    props.database.grant(this.notifyCustomer, ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem']);
    // SendEmail as this sender's identity under this configuration set, nothing else (SES checks both resources).
    this.notifyCustomer.addEnvironment(tunables.notificationSender.variable, sender);
    this.notifyCustomer.addEnvironment(tunables.sesConfigurationSet.variable, configurationSetName);
    Grant.addToPrincipal({
      grantee: this.notifyCustomer,
      actions: ['ses:SendEmail'],
      resourceArns: [
        stack.formatArn({ service: 'ses', resource: 'identity', resourceName: identity }),
        stack.formatArn({ service: 'ses', resource: 'configuration-set', resourceName: configurationSetName }),
      ],
    });
    this.notifyCustomer.configureAsyncInvoke({
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
      onFailure: new SqsDestination(this.failures),
    });

    this.rule = new Rule(this, 'NotifyOnOutcome', {
      description: 'Order outcomes to the customer notification',
      eventBus: props.orderEvents.bus,
      eventPattern: orderEventPattern(ORDER_OUTCOME_TYPES),
      targets: [new LambdaFunction(this.notifyCustomer, { retryAttempts: 8, maxEventAge: Duration.hours(24), deadLetterQueue: this.deliveryDlq })],
    });
  }
}
