import type { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { FunctionInvoker } from './function-registry.ts';
import type { SandboxLog } from './logs.ts';
import type { StreamCheckpoints } from './pollers/checkpoints.ts';
import { OnFailureQueue } from './pollers/on-failure.ts';
import { SqsPoller } from './pollers/sqs.ts';
import { StreamPoller } from './pollers/stream.ts';
import type { TtlDeletions } from './ttl-deletions.ts';
import type { EventSourceMappingSpec, FunctionSpec } from './topology/functions.ts';
import type { QueueSpec } from './topology/storage.ts';

interface EventSourcesOptions {
  readonly mappings: readonly EventSourceMappingSpec[];
  readonly functionSpecs: readonly FunctionSpec[];
  readonly queues: readonly QueueSpec[];
  readonly queueUrls: Readonly<Record<string, string>>;
  readonly sqs: SQSClient;
  readonly streams: DynamoDBStreamsClient;
  readonly functions: FunctionInvoker;
  readonly checkpoints: StreamCheckpoints;
  readonly ttlDeletions: TtlDeletions;
  readonly log: SandboxLog;
}

/** Every event source mapping of the template, each polled with Lambda's semantics for its source. */
export class EventSources {
  private readonly sqsPollers: SqsPoller[] = [];
  private readonly streamPollers = new Map<string, StreamPoller>();

  constructor(options: EventSourcesOptions) {
    const functionArns = new Map(options.functionSpecs.map((fn) => [fn.logicalId, fn.arn]));
    const queues = new Map(options.queues.map((queue) => [queue.logicalId, queue]));
    const queueUrl = (logicalId: string) => options.queueUrls[logicalId]!;
    for (const mapping of options.mappings) {
      if (mapping.kind === 'sqs') {
        const queue = { url: queueUrl(mapping.queueLogicalId), arn: queues.get(mapping.queueLogicalId)!.arn };
        this.sqsPollers.push(new SqsPoller({ mapping, queue, client: options.sqs, functions: options.functions, log: options.log }));
        continue;
      }
      const destination = mapping.onFailureQueueLogicalId;
      const poller = new StreamPoller({
        mapping,
        functionArn: functionArns.get(mapping.functionLogicalId)!,
        streams: options.streams,
        functions: options.functions,
        checkpoints: options.checkpoints,
        onFailure: destination === undefined ? undefined : new OnFailureQueue(options.sqs, queueUrl(destination)),
        isTtlDeletion: (fingerprint) => options.ttlDeletions.claim(mapping.tableLogicalId, mapping.logicalId, fingerprint),
        log: options.log,
      });
      this.streamPollers.set(mapping.logicalId, poller);
    }
  }

  start(): void {
    for (const poller of this.sqsPollers) poller.start();
    for (const poller of this.streamPollers.values()) poller.start();
  }

  /**
   * Enables or disables the event source mappings (SQS and stream) of the functions whose logical id
   * starts with `functionName` (CloudFormation appends a hash): how an operator holds a consumer, and
   * how the bench measures settlement draining a backlog. Throws if no mapping matches.
   */
  setMappingsEnabled(functionName: string, enabled: boolean): void {
    const pollers = [...this.sqsPollers, ...this.streamPollers.values()].filter((poller) => poller.functionLogicalId.startsWith(functionName));
    if (pollers.length === 0) throw new Error(`no event source mapping invokes a function named ${functionName}`);
    for (const poller of pollers) poller.setEnabled(enabled);
  }

  nudge(): void {
    for (const poller of this.streamPollers.values()) poller.nudge();
  }

  /** Stream mappings not read to the end with a poll started at or after `time`. */
  unsettledStreams(time: number): string[] {
    return [...this.streamPollers].filter(([, poller]) => !poller.settledSince(time)).map(([logicalId]) => logicalId);
  }

  /**
   * Stops polling at once (synchronously) and resolves when the pollers have wound down; stop the
   * functions meanwhile so that in-flight invocations end without waiting for their timeout.
   */
  stop(): Promise<void> {
    const stopping = [...this.sqsPollers, ...this.streamPollers.values()].map((poller) => poller.stop());
    return Promise.all(stopping).then(() => undefined);
  }
}
