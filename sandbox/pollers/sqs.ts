import { ChangeMessageVisibilityBatchCommand, DeleteMessageBatchCommand, ReceiveMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSMessageAttributes, SQSRecord } from 'aws-lambda';
import type { FunctionInvoker } from '../function-registry.ts';
import type { InvocationOutcome } from '../functions/protocol.ts';
import type { SandboxLog } from '../logs.ts';
import { REGION } from '../physical-names.ts';
import type { SqsMappingSpec } from '../topology/functions.ts';
import { matchesAnyPattern } from './filter-pattern.ts';
import { Pause } from './pause.ts';

/** Lambda starts with five pollers per queue; MaximumConcurrency, when set, is the cap instead. */
const DEFAULT_POLLERS = 5;
const LONG_POLL_SECONDS = 1;
const ERROR_PAUSE_MS = 1_000;
/** How often a disabled mapping's pollers look again (enabling one wakes them at once). */
const DISABLED_CHECK_MS = 1_000;

interface SqsPollerOptions {
  readonly mapping: SqsMappingSpec;
  readonly queue: { readonly url: string; readonly arn: string };
  readonly client: SQSClient;
  readonly functions: FunctionInvoker;
  readonly log: SandboxLog;
}

/**
 * An SQS event source mapping: concurrent pollers (MaximumConcurrency) each gather up to BatchSize
 * messages within MaximumBatchingWindowInSeconds and invoke the function. Success deletes the batch
 * (all but the reported `batchItemFailures` with ReportBatchItemFailures); an error deletes nothing, so
 * messages return after their visibility timeout and the queue's redrive policy dead-letters them.
 */
export class SqsPoller {
  private readonly pause = new Pause();
  private readonly abort = new AbortController();
  private loops: Array<Promise<void>> = [];
  private enabled = true;

  constructor(private readonly options: SqsPollerOptions) {}

  get functionLogicalId(): string {
    return this.options.mapping.functionLogicalId;
  }

  /**
   * Lambda's `UpdateEventSourceMapping --enabled`: a disabled mapping delivers nothing from then on
   * (an invocation already running finishes; what a receive in flight returns goes back to the queue,
   * visible at once, one receive count more), its messages wait in the queue; enabled again, its
   * pollers receive at once.
   */
  setEnabled(enabled: boolean): void {
    this.enabled = enabled;
    if (enabled) this.pause.wakeAll();
  }

  start(): void {
    const pollers = this.options.mapping.maximumConcurrency ?? DEFAULT_POLLERS;
    this.loops = Array.from({ length: pollers }, () => this.pollLoop());
  }

  async stop(): Promise<void> {
    this.abort.abort();
    this.pause.wakeAll();
    await Promise.all(this.loops);
  }

  private async pollLoop(): Promise<void> {
    while (!this.abort.signal.aborted) {
      if (!this.enabled) {
        await this.pause.for(DISABLED_CHECK_MS);
        continue;
      }
      try {
        const messages = await this.collectBatch();
        // A receive still long-polling when the mapping was disabled hands its messages back at once.
        if (messages.length > 0) await (this.enabled ? this.deliver(messages) : this.handBack(messages));
      } catch (error) {
        if (this.abort.signal.aborted) return;
        this.options.log.warn(this.options.mapping.logicalId, `Polling ${this.options.queue.url} failed: ${String(error)}`);
        await this.pause.for(ERROR_PAUSE_MS);
      }
    }
  }

  /** Long-polls for a first message, then keeps receiving until the batch is full or the window closes. */
  private async collectBatch(): Promise<Message[]> {
    const { batchSize, batchingWindowSeconds } = this.options.mapping;
    const batch = await this.receive(Math.min(batchSize, 10), LONG_POLL_SECONDS);
    if (batch.length === 0) return batch;
    const windowEnds = Date.now() + batchingWindowSeconds * 1000;
    while (batch.length < batchSize && Date.now() < windowEnds && !this.abort.signal.aborted) {
      const more = await this.receive(Math.min(batchSize - batch.length, 10), 0);
      if (more.length === 0) await this.pause.for(Math.min(50, windowEnds - Date.now()));
      batch.push(...more);
    }
    return batch;
  }

  private async receive(maxMessages: number, waitSeconds: number): Promise<Message[]> {
    const { Messages } = await this.options.client.send(
      new ReceiveMessageCommand({
        QueueUrl: this.options.queue.url,
        MaxNumberOfMessages: maxMessages,
        WaitTimeSeconds: waitSeconds,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
      { abortSignal: this.abort.signal },
    );
    return Messages ?? [];
  }

  private async deliver(messages: Message[]): Promise<void> {
    const { mapping, functions } = this.options;
    const records = messages.map((message) => toSqsRecord(message, this.options.queue.arn));
    const matching = records.filter((record) => matchesAnyPattern(mapping.filterPatterns, filterView(record)));
    // Lambda deletes the messages its filters reject: they never reach the function.
    await this.delete(records.filter((record) => !matching.includes(record)));
    if (matching.length === 0) return;
    const outcome = await functions.invoke(mapping.functionLogicalId, { Records: matching });
    if (this.abort.signal.aborted) return;
    await this.delete(succeededRecords(outcome, matching, mapping.reportBatchItemFailures));
  }

  private async handBack(messages: readonly Message[]): Promise<void> {
    for (let index = 0; index < messages.length; index += 10) {
      const entries = messages.slice(index, index + 10).map((message, entry) => ({ Id: String(entry), ReceiptHandle: message.ReceiptHandle!, VisibilityTimeout: 0 }));
      await this.options.client.send(new ChangeMessageVisibilityBatchCommand({ QueueUrl: this.options.queue.url, Entries: entries }));
    }
  }

  private async delete(records: readonly SQSRecord[]): Promise<void> {
    for (let index = 0; index < records.length; index += 10) {
      const entries = records.slice(index, index + 10).map((record, entry) => ({ Id: String(entry), ReceiptHandle: record.receiptHandle }));
      await this.options.client.send(new DeleteMessageBatchCommand({ QueueUrl: this.options.queue.url, Entries: entries }));
    }
  }
}

/**
 * The records whose messages may be deleted. With ReportBatchItemFailures, those not named in
 * `batchItemFailures` (by messageId); a response naming no record of the batch fails the whole batch.
 */
export function succeededRecords(outcome: InvocationOutcome, records: readonly SQSRecord[], reportBatchItemFailures: boolean): SQSRecord[] {
  if (!outcome.ok) return [];
  if (!reportBatchItemFailures) return [...records];
  const failures = (outcome.payload as { batchItemFailures?: unknown } | null)?.batchItemFailures;
  if (failures === undefined || failures === null) return [...records];
  if (!Array.isArray(failures)) return [];
  const failedIds = failures.map((failure: unknown) => (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier);
  if (failedIds.some((id) => typeof id !== 'string' || !records.some((record) => record.messageId === id))) return [];
  return records.filter((record) => !failedIds.includes(record.messageId));
}

/** An SQS message as Lambda delivers it in `event.Records`. */
export function toSqsRecord(message: Message, queueArn: string): SQSRecord {
  const messageAttributes: SQSMessageAttributes = {};
  for (const [name, value] of Object.entries(message.MessageAttributes ?? {})) {
    messageAttributes[name] = {
      stringValue: value.StringValue,
      binaryValue: value.BinaryValue && Buffer.from(value.BinaryValue).toString('base64'),
      stringListValues: value.StringListValues ?? [],
      binaryListValues: (value.BinaryListValues ?? []).map((item) => Buffer.from(item).toString('base64')),
      dataType: value.DataType ?? 'String',
    };
  }
  const record: SQSRecord = {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body: message.Body ?? '',
    attributes: message.Attributes as SQSRecord['attributes'],
    messageAttributes,
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: REGION,
  };
  if (message.MD5OfMessageAttributes) record.md5OfMessageAttributes = message.MD5OfMessageAttributes;
  return record;
}

/** Filters see the body as JSON when it is JSON, as Lambda's SQS filtering does. */
function filterView(record: SQSRecord): unknown {
  try {
    return { ...record, body: JSON.parse(record.body) as unknown };
  } catch {
    return record;
  }
}
