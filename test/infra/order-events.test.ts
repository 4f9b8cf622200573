import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { CommerceStack } from '../../lib/commerce-stack.ts';
import { settings } from '../../lib/settings.ts';
import { appFunctions, functionByEntry, grantsOf, notificationWiring, refId, resource, show, single } from './inspect.ts';
import { cdkJsonContext, scratchDir, synthesize } from './synth.ts';

const synthesized = synthesize({ bundling: false });
const { template } = synthesized;
const functions = appFunctions(synthesized);
const [busId, bus] = single(template, 'AWS::Events::EventBus');
const relay = functionByEntry(functions, 'lambdas/orders/relay-placed-orders.ts');
const notifier = functionByEntry(functions, 'lambdas/notifications/notify-customer.ts');
const wiring = notificationWiring(template);

/** Every grant of a role but the log group's and X-Ray's, as `action on resource`. */
const grantsBeyondLogs = (roleId: string) =>
  grantsOf(template, roleId)
    .filter(({ action }) => !/^(logs|xray):/.test(action))
    .map(({ action, resource: res }) => `${action} on ${res}`)
    .sort();

describe('the order event bus (SPEC §6, decision 0009)', () => {
  it('is a bus of its own, named after the stack', () => {
    expect(bus.Properties.Name).toBe('Commerce-orders');
  });

  it('archives every commerce.orders event for replay', () => {
    const [, archive] = single(template, 'AWS::Events::Archive');
    expect(archive.Properties).toMatchObject({ EventPattern: { source: ['commerce.orders'] }, RetentionDays: settings.orderEventArchiveDays });
    expect(refId(archive.Properties.SourceArn)).toBe(busId);
  });

  it('receives from the outbox relay only: its bus name, and PutEvents on that bus alone', () => {
    expect(relay.properties.Environment.Variables.EVENT_BUS_NAME).toEqual({ Ref: busId });
    expect(grantsBeyondLogs(relay.roleId).filter((grant) => grant.startsWith('events:'))).toEqual([`events:PutEvents on <${busId}.Arn>`]);
    const publishers = functions.filter((fn) => grantsOf(template, fn.roleId).some(({ action }) => action === 'events:PutEvents'));
    expect(publishers.map((fn) => fn.entry)).toEqual(['lambdas/orders/relay-placed-orders.ts']);
  });

  it('publishes outputs a downstream stack subscribes with', () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    const values = Object.values(outputs).map((output) => show(output.Value));
    expect(values).toContain(`<${busId}>`);
    expect(values).toContain(`<${busId}.Arn>`);
  });
});

describe('order notifications', () => {
  it('a rule on the bus matches OrderConfirmed and OrderRejected of commerce.orders, and targets the notifier', () => {
    expect(wiring.rule.Properties.EventBusName).toEqual({ Ref: busId });
    expect(wiring.rule.Properties.EventPattern).toEqual({ source: ['commerce.orders'], 'detail-type': ['OrderConfirmed', 'OrderRejected'] });
    expect(wiring.rule.Properties.Targets).toHaveLength(1);
    expect(wiring.notifierId).toBe(notifier.logicalId);
  });

  it('an event the bus cannot deliver is retried, then kept on a DLQ of its own', () => {
    expect(wiring.target.RetryPolicy).toEqual({ MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 86_400 });
    expect(resource(template, wiring.deliveryDlqId).Type).toBe('AWS::SQS::Queue');
    // Only EventBridge, for this rule, may send to it.
    const [, policy] = single(template, 'AWS::SQS::QueuePolicy', { Queues: [{ Ref: wiring.deliveryDlqId }] });
    const statement = policy.Properties.PolicyDocument.Statement.find((s: { Action: string }) => s.Action === 'sqs:SendMessage');
    expect(statement.Principal).toEqual({ Service: 'events.amazonaws.com' });
    expect(statement.Condition.ArnEquals['aws:SourceArn']).toEqual({ 'Fn::GetAtt': [wiring.ruleId, 'Arn'] });
  });

  it('a failing invocation is retried twice by Lambda, then described on NotificationFailures', () => {
    expect(refId(wiring.invokeConfig.Properties.FunctionName)).toBe(notifier.logicalId);
    expect(wiring.invokeConfig.Properties).toMatchObject({ MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 6 * 3600 });
    expect(wiring.notificationFailuresId).not.toBe(wiring.deliveryDlqId);
  });

  it('sends as the sender’s domain identity under the stack’s configuration set, and may do nothing else with SES', () => {
    const [configurationSetId, configurationSet] = single(template, 'AWS::SES::ConfigurationSet');
    expect(configurationSet.Properties).toMatchObject({
      Name: 'Commerce-notifications',
      DeliveryOptions: { TlsPolicy: 'REQUIRE' },
      SuppressionOptions: { SuppressedReasons: ['BOUNCE', 'COMPLAINT'] },
    });
    const variables = notifier.properties.Environment.Variables;
    expect(variables.NOTIFICATION_SENDER).toBe('orders@example.com');
    expect(variables.SES_CONFIGURATION_SET).toEqual({ Ref: configurationSetId });
    const ses = grantsOf(template, notifier.roleId).filter(({ action }) => action.startsWith('ses:'));
    expect(ses.map(({ action }) => action)).toEqual(['ses:SendEmail', 'ses:SendEmail']);
    expect(ses.map(({ resource: res }) => res).sort()).toEqual([
      'arn:<AWS::Partition>:ses:<AWS::Region>:<AWS::AccountId>:configuration-set/<' + configurationSetId + '>',
      'arn:<AWS::Partition>:ses:<AWS::Region>:<AWS::AccountId>:identity/example.com',
    ]);
    const sesUsers = functions.filter((fn) => grantsOf(template, fn.roleId).some(({ action }) => action.startsWith('ses:')));
    expect(sesUsers.map((fn) => fn.entry)).toEqual(['lambdas/notifications/notify-customer.ts']);
  });

  it('takes sender, identity and an existing configuration set from the CDK context', () => {
    const app = new App({ context: { ...cdkJsonContext, 'aws:cdk:bundling-stacks': [] }, outdir: scratchDir() });
    const stack = new CommerceStack(app, 'Commerce', { notifications: { sender: 'shop@mail.example.org', identity: 'mail.example.org', configurationSetName: 'shop-mail' } });
    const custom = Template.fromStack(stack);
    expect(custom.findResources('AWS::SES::ConfigurationSet')).toEqual({});
    const fn = functionByEntry(appFunctions({ app, stack, template: custom, assembly: app.synth() }), 'lambdas/notifications/notify-customer.ts');
    expect(fn.properties.Environment.Variables).toMatchObject({ NOTIFICATION_SENDER: 'shop@mail.example.org', SES_CONFIGURATION_SET: 'shop-mail' });
    const ses = grantsOf(custom, fn.roleId).filter(({ action }) => action.startsWith('ses:')).map(({ resource: res }) => res).sort();
    expect(ses).toEqual([
      'arn:<AWS::Partition>:ses:<AWS::Region>:<AWS::AccountId>:configuration-set/shop-mail',
      'arn:<AWS::Partition>:ses:<AWS::Region>:<AWS::AccountId>:identity/mail.example.org',
    ]);
  });
});
