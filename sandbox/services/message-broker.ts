import { startFauxqs, type FauxqsServer } from 'fauxqs';
import { REGION } from '../physical-names.ts';
import type { BucketSpec, QueueSpec } from '../topology/storage.ts';

interface QueueCounts {
  /** Ready to be received, including in-flight messages whose visibility timeout has expired. */
  readonly visible: number;
  readonly inFlight: number;
  readonly delayed: number;
}

/**
 * SQS and S3 from fauxqs, in memory (fauxqs has no persistence). Queue URLs have the form
 * `http://sqs.us-east-1.localhost:<port>/000000000000/<name>`.
 */
export class MessageBroker {
  private constructor(private readonly server: FauxqsServer) {}

  static async start(): Promise<MessageBroker> {
    return new MessageBroker(await startFauxqs({ port: 0, logger: false, defaultRegion: REGION }));
  }

  /** For clients given an explicit endpoint (the sandbox's own, tests): they then ignore the queue URL's host. */
  get endpoint(): string {
    return `http://127.0.0.1:${this.server.port}`;
  }

  /**
   * For functions, whose SDK clients have no explicit endpoint and would switch to the queue URL's
   * host anyway: pointing them at that same host keeps the SDK from warning on every call.
   */
  get queueHostEndpoint(): string {
    return `http://sqs.${REGION}.localhost:${this.server.port}`;
  }

  /**
   * Creates the template's queues and buckets. `visibilityTimeoutSeconds` replaces every queue's
   * VisibilityTimeout (tests only: retries in seconds, not minutes). Returns queue URLs by logical id.
   */
  provision(queues: readonly QueueSpec[], buckets: readonly BucketSpec[], visibilityTimeoutSeconds: number | undefined): Record<string, string> {
    const urls: Record<string, string> = {};
    for (const queue of queues) {
      const attributes = { ...queue.attributes };
      if (visibilityTimeoutSeconds !== undefined) attributes['VisibilityTimeout'] = String(visibilityTimeoutSeconds);
      const created = this.server.createQueue(queue.name, { attributes });
      if (created.queueArn !== queue.arn) throw new Error(`fauxqs gave ${queue.name} the ARN ${created.queueArn}, expected ${queue.arn}`);
      urls[queue.logicalId] = created.queueUrl;
    }
    for (const bucket of buckets) this.server.createBucket(bucket.name);
    return urls;
  }

  counts(queueName: string): QueueCounts {
    const queue = this.server.inspectQueue(queueName);
    if (!queue) return { visible: 0, inFlight: 0, delayed: 0 };
    const now = Date.now();
    const expired = queue.messages.inflight.filter((entry) => entry.visibilityDeadline <= now).length;
    return {
      visible: queue.messages.ready.length + expired,
      inFlight: queue.messages.inflight.length - expired,
      delayed: queue.messages.delayed.length,
    };
  }

  async stop(): Promise<void> {
    await this.server.stop();
  }
}
