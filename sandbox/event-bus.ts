import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { randomUUID } from 'node:crypto';
import type { FunctionInvoker } from './function-registry.ts';
import type { SandboxLog } from './logs.ts';
import { ACCOUNT_ID, arns, REGION } from './physical-names.ts';
import { matchesAnyPattern } from './pollers/filter-pattern.ts';
import { ASYNC_DEFAULTS, type AsyncInvokeSpec, type EventBusTopology, type EventRuleSpec } from './topology/event-bus.ts';

/** An event as EventBridge delivers it to a target. */
export interface BusEvent {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': string;
  readonly source: string;
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: unknown;
  readonly 'replay-name'?: string;
}

/** One PutEvents entry, as the API takes it. */
export interface PutEventsEntry {
  readonly EventBusName?: string;
  readonly Source?: string;
  readonly DetailType?: string;
  readonly Detail?: string;
  readonly Time?: number | string;
  readonly Resources?: string[];
}

export type PutEventsResult = { EventId: string } | { ErrorCode: string; ErrorMessage: string };

/** A rule a developer or test added at run time: it keeps what it receives instead of invoking a target. */
interface CaptureRule {
  readonly name: string;
  readonly busName: string;
  readonly eventPattern: unknown;
  readonly received: BusEvent[];
}

export interface PublishedEvent {
  readonly bus: string;
  readonly event: BusEvent;
  /** Rules (logical ids of the template's, names of added ones) the event was delivered to, replays included. */
  readonly deliveredTo: string[];
}

/** Test-speed retries of asynchronous invocations: Lambda waits about 1 and 2 minutes. */
const ASYNC_RETRY_DELAY_MS = 1_000;

/**
 * EventBridge, from the template: buses take PutEvents; rules match event patterns (the same
 * matcher as event-source filters) and invoke their functions asynchronously — Lambda's retries,
 * then the function's on-failure queue with Lambda's invocation record; archives keep what matches
 * their pattern and replay it to one rule. Every event put is listed (GET /_sandbox/events).
 */
export class EventBusEmulator {
  private readonly published: PublishedEvent[] = [];
  private readonly archived = new Map<string, BusEvent[]>();
  private readonly captureRules = new Map<string, CaptureRule>();
  private inFlight = 0;
  private replays = 0;

  constructor(
    private readonly topology: EventBusTopology,
    private readonly functions: FunctionInvoker,
    private readonly sqs: SQSClient,
    private readonly queueUrls: Readonly<Record<string, string>>,
    private readonly functionArns: Readonly<Record<string, string>>,
    private readonly log: SandboxLog,
  ) {
    for (const archive of topology.archives) this.archived.set(archive.logicalId, []);
  }

  /** PutEvents: one result per entry, in order. */
  put(entries: readonly PutEventsEntry[]): PutEventsResult[] {
    return entries.map((entry) => {
      const busName = busNameOf(entry.EventBusName);
      if (busName !== 'default' && !this.topology.buses.some((bus) => bus.name === busName)) {
        return { ErrorCode: 'NotFoundException', ErrorMessage: `Event bus ${busName} does not exist.` };
      }
      const detail = parseDetail(entry.Detail);
      if (!entry.Source || !entry.DetailType || detail === undefined) {
        return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Source, DetailType and a JSON object Detail are required.' };
      }
      const event: BusEvent = {
        version: '0',
        id: randomUUID(),
        'detail-type': entry.DetailType,
        source: entry.Source,
        account: ACCOUNT_ID,
        time: timeOf(entry.Time),
        region: REGION,
        resources: entry.Resources ?? [],
        detail,
      };
      const published: PublishedEvent = { bus: busName, event, deliveredTo: [] };
      this.published.push(published);
      for (const archive of this.topology.archives) {
        if (archive.busName === busName && matches(archive.eventPattern, event)) this.archived.get(archive.logicalId)!.push(event);
      }
      for (const rule of this.topology.rules) if (rule.busName === busName && matches(rule.eventPattern, event)) this.deliver(rule, event, published);
      for (const rule of this.captureRules.values()) if (rule.busName === busName && matches(rule.eventPattern, event)) this.capture(rule, event, published);
      return { EventId: event.id };
    });
  }

  /** Adds a rule that keeps what it receives: a new downstream consumer, e.g. for a replay. */
  addRule(input: { name: string; eventPattern: unknown; busName?: string }): { name: string; busName: string } {
    const busName = input.busName ?? this.topology.buses[0]?.name ?? 'default';
    if (this.findTemplateRule(input.name) || this.captureRules.has(input.name)) throw new Error(`A rule named ${input.name} exists`);
    this.captureRules.set(input.name, { name: input.name, busName, eventPattern: input.eventPattern, received: [] });
    return { name: input.name, busName };
  }

  rules() {
    return [
      ...this.topology.rules.map((rule) => ({ name: rule.logicalId, bus: rule.busName, eventPattern: rule.eventPattern, targets: rule.targets.map((t) => t.functionLogicalId) })),
      ...[...this.captureRules.values()].map((rule) => ({ name: rule.name, bus: rule.busName, eventPattern: rule.eventPattern, received: rule.received })),
    ];
  }

  /**
   * StartReplay to one rule: the archive's events that match the rule's pattern are delivered to it
   * alone, in the order they were put, each with `replay-name`.
   */
  replay(input: { rule: string; archive?: string }): { replayName: string; archive: string; events: number } {
    const archive = input.archive ? this.topology.archives.find((a) => a.logicalId === input.archive || a.name === input.archive) : this.topology.archives[0];
    if (!archive) throw new Error(`No archive ${input.archive ?? ''}`.trim());
    const rule = this.findTemplateRule(input.rule) ?? this.captureRules.get(input.rule);
    if (!rule) throw new Error(`No rule ${input.rule}`);
    if (rule.busName !== archive.busName) throw new Error(`Rule ${input.rule} is not on the bus of archive ${archive.name}`);
    const replayName = `sandbox-replay-${++this.replays}`;
    const events = this.archived.get(archive.logicalId)!.filter((event) => matches(rule.eventPattern, event));
    for (const original of events) {
      const event = { ...original, 'replay-name': replayName };
      const published = this.published.find((p) => p.event.id === original.id);
      if ('targets' in rule) this.deliver(rule, event, published);
      else this.capture(rule, event, published);
    }
    return { replayName, archive: archive.name, events: events.length };
  }

  events(): PublishedEvent[] {
    return [...this.published];
  }

  busy(): string[] {
    return this.inFlight > 0 ? [`event deliveries in flight: ${this.inFlight}`] : [];
  }

  private findTemplateRule(name: string): EventRuleSpec | undefined {
    return this.topology.rules.find((rule) => rule.logicalId === name || rule.name === name);
  }

  private capture(rule: CaptureRule, event: BusEvent, published: PublishedEvent | undefined): void {
    rule.received.push(event);
    published?.deliveredTo.push(rule.name);
  }

  private deliver(rule: EventRuleSpec, event: BusEvent, published: PublishedEvent | undefined): void {
    published?.deliveredTo.push(rule.logicalId);
    for (const target of rule.targets) {
      this.inFlight += 1;
      void this.invokeAsync(target.functionLogicalId, event)
        .catch((error: unknown) => this.log.warn('events', `${rule.logicalId} → ${target.functionLogicalId}: ${String(error)}`))
        .finally(() => (this.inFlight -= 1));
    }
  }

  /** Lambda's asynchronous invocation: retried on a function error, then described on the on-failure queue. */
  private async invokeAsync(functionLogicalId: string, event: BusEvent): Promise<void> {
    const config: AsyncInvokeSpec = this.topology.asyncInvoke[functionLogicalId] ?? { functionLogicalId, ...ASYNC_DEFAULTS, onFailureQueueLogicalId: undefined };
    let attempt = 0;
    while (true) {
      attempt += 1;
      const outcome = await this.functions.invoke(functionLogicalId, event);
      if (outcome.ok) return;
      if (attempt > config.maximumRetryAttempts) {
        const queueUrl = config.onFailureQueueLogicalId && this.queueUrls[config.onFailureQueueLogicalId];
        if (!queueUrl) {
          this.log.warn('events', `${functionLogicalId} failed ${attempt} times on event ${event.id}; no on-failure destination, the event is dropped`);
          return;
        }
        const record = {
          version: '1.0',
          timestamp: new Date().toISOString(),
          requestContext: { requestId: randomUUID(), functionArn: `${this.functionArns[functionLogicalId] ?? arns.function(functionLogicalId)}:$LATEST`, condition: 'RetriesExhausted', approximateInvokeCount: attempt },
          requestPayload: event,
          responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
          responsePayload: outcome.error,
        };
        await this.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(record) }));
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, ASYNC_RETRY_DELAY_MS * attempt));
    }
  }
}

function matches(pattern: unknown, event: BusEvent): boolean {
  return pattern === undefined || matchesAnyPattern([pattern], event);
}

function busNameOf(value: string | undefined): string {
  if (!value) return 'default';
  return value.slice(value.lastIndexOf('/') + 1);
}

function parseDetail(detail: string | undefined): unknown {
  try {
    const value: unknown = JSON.parse(detail ?? '');
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The SDK sends Time as epoch seconds; EventBridge's events carry it to the second. */
function timeOf(time: number | string | undefined): string {
  const date = time === undefined ? new Date() : new Date(typeof time === 'number' ? time * 1000 : time);
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
