import { DescribeStreamCommand, type DynamoDBStreamsClient, type Shard } from '@aws-sdk/client-dynamodb-streams';
import type { FunctionInvoker } from '../function-registry.ts';
import type { SandboxLog } from '../logs.ts';
import type { StreamMappingSpec } from '../topology/functions.ts';
import type { StreamCheckpoints } from './checkpoints.ts';
import type { OnFailureQueue } from './on-failure.ts';
import { Pause } from './pause.ts';
import { ShardReader } from './shard-reader.ts';

/** How often the stream is described to find new (child) shards. */
const DISCOVERY_INTERVAL_MS = 1_000;

interface StreamPollerOptions {
  readonly mapping: StreamMappingSpec;
  readonly functionArn: string;
  readonly streams: DynamoDBStreamsClient;
  readonly functions: FunctionInvoker;
  readonly checkpoints: StreamCheckpoints;
  readonly onFailure: OnFailureQueue | undefined;
  readonly isTtlDeletion: (fingerprint: string) => boolean;
  readonly log: SandboxLog;
}

/**
 * A DynamoDB stream event source mapping: finds the stream's shards and reads each with a
 * ShardReader, a child shard only once its parent is done, as Lambda does. Each shard is read with
 * one batch at a time (ParallelizationFactor is not emulated: ordering stays strict per shard).
 */
export class StreamPoller {
  private readonly readers = new Map<string, { reader: ShardReader; running: Promise<void> }>();
  private readonly pause = new Pause();
  private stopped = false;
  private enabled = true;
  private discovering: Promise<void> | undefined;
  private firstDiscoveryDone = false;

  constructor(private readonly options: StreamPollerOptions) {}

  start(): void {
    this.discovering = this.discoverLoop();
  }

  get functionLogicalId(): string {
    return this.options.mapping.functionLogicalId;
  }

  /** Lambda's `UpdateEventSourceMapping --enabled`: a disabled mapping reads nothing; its records wait in the stream. */
  setEnabled(enabled: boolean): void {
    this.enabled = enabled;
    if (enabled) this.pause.wakeAll();
  }

  /** Polls every shard now instead of at its next interval (someone is waiting for idle). */
  nudge(): void {
    this.pause.wakeAll();
  }

  /** Every shard handled to its end, as seen by polls started at or after `time`. */
  settledSince(time: number): boolean {
    return this.firstDiscoveryDone && [...this.readers.values()].every(({ reader }) => reader.settledSince(time));
  }

  /** Stops reading; resolves once in-flight work has ended (stop the functions to end invocations at once). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.pause.wakeAll();
    await this.discovering;
    await Promise.all([...this.readers.values()].map(({ running }) => running));
  }

  private async discoverLoop(): Promise<void> {
    while (!this.stopped) {
      try {
        const shards = await describeShards(this.options.streams, this.options.mapping.streamArn);
        this.startReadableShards(shards);
        this.firstDiscoveryDone = true;
      } catch (error) {
        this.options.log.warn(this.options.mapping.logicalId, `Cannot describe ${this.options.mapping.streamArn}: ${String(error)}`);
      }
      await this.pause.for(DISCOVERY_INTERVAL_MS);
    }
  }

  private startReadableShards(shards: readonly Shard[]): void {
    const known = new Set(shards.map((shard) => shard.ShardId));
    for (const shard of shards) {
      const shardId = shard.ShardId;
      if (!shardId || this.readers.has(shardId)) continue;
      const parent = shard.ParentShardId;
      // A child waits for its parent, unless the parent is gone from the stream (trimmed).
      if (parent && known.has(parent) && !this.readers.get(parent)?.reader.done) continue;
      const reader = new ShardReader({
        ...this.options,
        shardId,
        // The mapping's position applies to the shards that exist when it starts; later shards are new data.
        startingPosition: this.firstDiscoveryDone ? 'TRIM_HORIZON' : this.options.mapping.startingPosition,
        pause: this.pause,
        isStopped: () => this.stopped,
        isEnabled: () => this.enabled,
      });
      const running = reader.run().catch((error: unknown) => {
        this.options.log.warn(this.options.mapping.logicalId, `Shard ${shardId} stopped: ${String(error)}`);
      });
      this.readers.set(shardId, { reader, running });
    }
  }
}

/** Every shard of a stream, over as many DescribeStream pages as it takes. */
export async function describeShards(streams: DynamoDBStreamsClient, streamArn: string): Promise<Shard[]> {
  const shards: Shard[] = [];
  let exclusiveStartShardId: string | undefined;
  do {
    const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId: exclusiveStartShardId }));
    shards.push(...(StreamDescription?.Shards ?? []));
    exclusiveStartShardId = StreamDescription?.LastEvaluatedShardId;
  } while (exclusiveStartShardId);
  return shards;
}
