import type { QueueDepth } from './gateway/sandbox-routes.ts';
import type { MessageBroker } from './services/message-broker.ts';
import type { EventSourceMappingSpec } from './topology/functions.ts';
import type { QueueSpec } from './topology/storage.ts';

/** Depths of the template's queues, and which of them still hold work for an event source mapping. */
export class QueueMonitor {
  private readonly deadLetterQueueIds: ReadonlySet<string>;
  private readonly consumedQueueIds: ReadonlySet<string>;

  constructor(
    private readonly broker: MessageBroker,
    private readonly queues: readonly QueueSpec[],
    private readonly queueUrls: Readonly<Record<string, string>>,
    mappings: readonly EventSourceMappingSpec[],
  ) {
    const redriveTargets = queues.filter((queue) => queues.some((source) => source.deadLetterTargetArn === queue.arn));
    const onFailureDestinations = mappings.flatMap((mapping) =>
      mapping.kind === 'dynamodb-stream' && mapping.onFailureQueueLogicalId ? [mapping.onFailureQueueLogicalId] : [],
    );
    this.deadLetterQueueIds = new Set([...redriveTargets.map((queue) => queue.logicalId), ...onFailureDestinations]);
    this.consumedQueueIds = new Set(mappings.flatMap((mapping) => (mapping.kind === 'sqs' ? [mapping.queueLogicalId] : [])));
  }

  depths(): QueueDepth[] {
    return this.queues.map((queue) => ({
      name: queue.name,
      logicalId: queue.logicalId,
      url: this.queueUrls[queue.logicalId]!,
      arn: queue.arn,
      ...this.broker.counts(queue.name),
      deadLetterQueue: this.deadLetterQueueIds.has(queue.logicalId),
    }));
  }

  /**
   * Queues an event source mapping consumes that still hold messages. Messages elsewhere (dead-letter
   * queues, on-failure destinations, queues nobody consumes) are outcomes, not pending work.
   */
  busy(): string[] {
    return this.depths()
      .filter((queue) => this.consumedQueueIds.has(queue.logicalId) && queue.visible + queue.inFlight + queue.delayed > 0)
      .map((queue) => `queue ${queue.name}: ${queue.visible} visible, ${queue.inFlight} in flight, ${queue.delayed} delayed`);
  }
}
