import type { SQSClient } from '@aws-sdk/client-sqs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { EventBusEmulator } from '../../../sandbox/event-bus.ts';
import type { FunctionInvoker } from '../../../sandbox/function-registry.ts';
import type { InvocationOutcome } from '../../../sandbox/functions/protocol.ts';
import { TemplateResolver } from '../../../sandbox/intrinsics.ts';
import { createSandboxLog } from '../../../sandbox/logs.ts';
import { synthesizeTemplate, type CfnTemplate } from '../../../sandbox/template.ts';
import { type EventBusTopology, readEventBusTopology } from '../../../sandbox/topology/event-bus.ts';
import { readFunctions } from '../../../sandbox/topology/functions.ts';

let template: CfnTemplate;
let outdir: string;
beforeAll(() => {
  outdir = mkdtempSync(join(tmpdir(), 'sandbox-bus-test-'));
  template = synthesizeTemplate(outdir);
}, 60_000);
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe('the event bus topology read from the template', () => {
  it('finds the order bus, its archive, the notification rule with its DLQ, and the notifier’s async settings', () => {
    const resolver = new TemplateResolver(template);
    const topology = readEventBusTopology(template, resolver, readFunctions(template, resolver));
    expect(topology.buses.map((bus) => bus.name)).toEqual(['Commerce-orders']);
    expect(topology.archives).toEqual([expect.objectContaining({ name: 'Commerce-orders', busName: 'Commerce-orders', eventPattern: { source: ['commerce.orders'] }, retentionDays: 30 })]);
    const [rule] = topology.rules;
    expect(topology.rules).toHaveLength(1);
    expect(rule).toMatchObject({ busName: 'Commerce-orders', eventPattern: { source: ['commerce.orders'], 'detail-type': ['OrderConfirmed', 'OrderRejected'] } });
    expect(rule!.targets).toEqual([{ functionLogicalId: expect.stringContaining('NotifyCustomer'), deadLetterQueueLogicalId: expect.stringContaining('NotificationDeliveryDlq') }]);
    expect(topology.asyncInvoke[rule!.targets[0]!.functionLogicalId]).toMatchObject({ maximumRetryAttempts: 2, onFailureQueueLogicalId: expect.stringContaining('NotificationFailures') });
  });
});

const topology: EventBusTopology = {
  buses: [{ logicalId: 'Bus', name: 'orders' }],
  archives: [{ logicalId: 'Archive', name: 'orders', busName: 'orders', eventPattern: { source: ['commerce.orders'] }, retentionDays: 1 }],
  rules: [{ logicalId: 'Outcomes', name: 'Outcomes', busName: 'orders', eventPattern: { 'detail-type': ['OrderConfirmed'] }, targets: [{ functionLogicalId: 'Notify', deadLetterQueueLogicalId: undefined }] }],
  asyncInvoke: { Notify: { functionLogicalId: 'Notify', maximumRetryAttempts: 1, maximumEventAgeSeconds: 60, onFailureQueueLogicalId: 'Failures' } },
};
const entry = (type: string, orderId: string) => ({ EventBusName: 'orders', Source: 'commerce.orders', DetailType: type, Detail: JSON.stringify({ orderId }), Time: 1_772_359_200 });

function emulator(outcomes: InvocationOutcome[] = []) {
  const invoked: unknown[] = [];
  const functions: FunctionInvoker = {
    invoke: async (_id, event) => {
      invoked.push(event);
      return outcomes.shift() ?? { ok: true, payload: null };
    },
  } as FunctionInvoker;
  const sent: unknown[] = [];
  const sqs = { send: async (command: { input: { QueueUrl: string; MessageBody: string } }) => void sent.push({ url: command.input.QueueUrl, body: JSON.parse(command.input.MessageBody) }) } as unknown as SQSClient;
  const bus = new EventBusEmulator(topology, functions, sqs, { Failures: 'http://q/failures' }, { Notify: 'arn:notify' }, createSandboxLog(false));
  return { bus, invoked, sent };
}
const settle = async (bus: EventBusEmulator) => vi.waitFor(() => expect(bus.busy()).toEqual([]), { timeout: 10_000 });

describe('the sandbox event bus', () => {
  it('delivers a matching event to the rule’s function as EventBridge shapes it, and lists every event put', async () => {
    const { bus, invoked } = emulator();
    const results = bus.put([entry('OrderConfirmed', 'o1'), entry('OrderPlaced', 'o1'), { ...entry('OrderPlaced', 'o2'), EventBusName: 'nope' }]);
    expect(results[0]).toEqual({ EventId: expect.any(String) });
    expect(results[2]).toMatchObject({ ErrorCode: 'NotFoundException' });
    await settle(bus);
    expect(invoked).toEqual([
      { version: '0', id: (results[0] as { EventId: string }).EventId, 'detail-type': 'OrderConfirmed', source: 'commerce.orders', account: '000000000000', time: '2026-03-01T10:00:00Z', region: 'us-east-1', resources: [], detail: { orderId: 'o1' } },
    ]);
    expect(bus.events().map((e) => [e.event['detail-type'], e.deliveredTo])).toEqual([['OrderConfirmed', ['Outcomes']], ['OrderPlaced', []]]);
  });

  it('retries a failing function, then describes the event on its on-failure queue', async () => {
    const failure: InvocationOutcome = { ok: false, error: { errorType: 'Error', errorMessage: 'SES unavailable', trace: [] } };
    const { bus, invoked, sent } = emulator([failure, failure]);
    bus.put([entry('OrderConfirmed', 'o1')]);
    await settle(bus);
    expect(invoked).toHaveLength(2);
    expect(sent).toEqual([
      {
        url: 'http://q/failures',
        body: expect.objectContaining({
          requestContext: expect.objectContaining({ condition: 'RetriesExhausted', approximateInvokeCount: 2, functionArn: 'arn:notify:$LATEST' }),
          requestPayload: expect.objectContaining({ detail: { orderId: 'o1' } }),
          responsePayload: expect.objectContaining({ errorMessage: 'SES unavailable' }),
        }),
      },
    ]);
  });

  it('replays the archive to one rule only: a rule added later receives the past events it matches', async () => {
    const { bus, invoked } = emulator();
    bus.put([entry('OrderPlaced', 'o1'), entry('OrderConfirmed', 'o1'), entry('OrderPlaced', 'o2')]);
    await settle(bus);
    bus.addRule({ name: 'late-consumer', eventPattern: { 'detail-type': ['OrderPlaced'] } });
    expect(bus.replay({ rule: 'late-consumer' })).toMatchObject({ archive: 'orders', events: 2 });
    const late = bus.rules().find((rule) => rule.name === 'late-consumer') as { received: Array<{ detail: unknown; 'replay-name'?: string }> };
    expect(late.received.map((event) => [event.detail, event['replay-name']])).toEqual([
      [{ orderId: 'o1' }, 'sandbox-replay-1'],
      [{ orderId: 'o2' }, 'sandbox-replay-1'],
    ]);
    await settle(bus);
    expect(invoked).toHaveLength(1); // the template's rule was not part of the replay
    expect(() => bus.replay({ rule: 'missing' })).toThrow(/No rule/);
  });
});
