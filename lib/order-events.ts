import { CfnOutput, Duration, Stack } from 'aws-cdk-lib';
import { EventBus, type EventPattern } from 'aws-cdk-lib/aws-events';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import { tunables } from '../lambdas/tunables.ts';
import { Construct } from 'constructs';
import { ORDER_EVENTS_SOURCE, type OrderEventType } from '../lambdas/domain/order-events.ts';
import { settings } from './settings.ts';

/**
 * The pattern of a rule on the order event bus: the given event types of `commerce.orders`. What a
 * downstream consumer copies (see lib/notifications.ts for a complete rule: target, retries, DLQ).
 */
export function orderEventPattern(types: readonly OrderEventType[]): EventPattern {
  return { source: [ORDER_EVENTS_SOURCE], detailType: [...types] };
}

/**
 * Domain events out (SPEC §6, decision 0009): the bus every order event is published to by the
 * outbox relay, at least once and in order per order, and its archive, which keeps every event for
 * replay to any rule (a new consumer catching up, or one that lost events).
 */
export class OrderEvents extends Construct {
  readonly bus: EventBus;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const stackName = Stack.of(this).stackName;
    this.bus = new EventBus(this, 'Bus', {
      eventBusName: `${stackName}-orders`,
      description: 'Order events (source commerce.orders): contracts/events/<detail-type>.v1.json',
    });
    this.bus.archive('Archive', {
      archiveName: `${stackName}-orders`,
      description: 'Every order event, for replay',
      eventPattern: { source: [ORDER_EVENTS_SOURCE] },
      retention: Duration.days(settings.orderEventArchiveDays),
    });
    new CfnOutput(this, 'OrderEventBusName', { value: this.bus.eventBusName, description: 'EventBridge bus of the order events' });
    new CfnOutput(this, 'OrderEventBusArn', { value: this.bus.eventBusArn, description: 'Subscribe with a rule on this bus' });
  }

  /** events:PutEvents on this bus only. */
  grantPublish(grantee: IGrantable & { addEnvironment(key: string, value: string): unknown }): void {
    grantee.addEnvironment(tunables.eventBusName.variable, this.bus.eventBusName);
    this.bus.grantPutEventsTo(grantee);
  }
}
