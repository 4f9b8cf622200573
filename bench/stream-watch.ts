import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeStreamCommand, DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand, type _Record } from '@aws-sdk/client-dynamodb-streams';

export interface WatchedRecord {
  readonly record: _Record;
  /** performance.now() when the bench read it. */
  readonly at: number;
}

const POLL_MS = 25;
const CREDENTIALS = { accessKeyId: 'bench', secretAccessKey: 'bench' };

/**
 * Reads the table's stream straight from DynamoDB Local, every shard from the moment the watch
 * starts, and hands each record to the listeners with the time it was read (within ~25 ms of being
 * written): how the bench sees an order become CONFIRMED and which items each order wrote, without
 * polling the API.
 */
export class StreamWatch {
  private readonly streams: DynamoDBStreamsClient;
  private readonly dynamodb: DynamoDBClient;
  private readonly iterators = new Map<string, string | undefined>();
  private readonly listeners = new Set<(record: WatchedRecord) => void>();
  private stopped = false;
  private loop: Promise<void> | undefined;

  constructor(
    endpoint: string,
    private readonly tableName: string,
  ) {
    this.streams = new DynamoDBStreamsClient({ endpoint, region: 'us-east-1', credentials: CREDENTIALS });
    this.dynamodb = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: CREDENTIALS });
  }

  listen(listener: (record: WatchedRecord) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async start(): Promise<void> {
    const arn = (await this.dynamodb.send(new DescribeTableCommand({ TableName: this.tableName }))).Table?.LatestStreamArn;
    if (!arn) throw new Error(`table ${this.tableName} has no stream`);
    await this.discover(arn, 'LATEST');
    this.loop = this.run(arn);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
    this.streams.destroy();
    this.dynamodb.destroy();
  }

  private async discover(arn: string, position: 'LATEST' | 'TRIM_HORIZON'): Promise<void> {
    const { StreamDescription } = await this.streams.send(new DescribeStreamCommand({ StreamArn: arn }));
    for (const shard of StreamDescription?.Shards ?? []) {
      if (!shard.ShardId || this.iterators.has(shard.ShardId)) continue;
      // Shards that close after the start are followed by their children, read from their beginning.
      if (position === 'LATEST' && shard.SequenceNumberRange?.EndingSequenceNumber) {
        this.iterators.set(shard.ShardId, undefined);
        continue;
      }
      const { ShardIterator } = await this.streams.send(new GetShardIteratorCommand({ StreamArn: arn, ShardId: shard.ShardId, ShardIteratorType: position }));
      this.iterators.set(shard.ShardId, ShardIterator);
    }
  }

  private readonly lastSequence = new Map<string, string>();

  private async run(arn: string): Promise<void> {
    let sinceDiscovery = 0;
    while (!this.stopped) {
      for (const [shardId, iterator] of this.iterators) {
        if (!iterator) continue;
        try {
          const { Records = [], NextShardIterator } = await this.streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
          const at = performance.now();
          this.iterators.set(shardId, NextShardIterator);
          for (const record of Records) {
            if (record.dynamodb?.SequenceNumber) this.lastSequence.set(shardId, record.dynamodb.SequenceNumber);
            for (const listener of this.listeners) listener({ record, at });
          }
        } catch (error) {
          // DynamoDB Local answers TrimmedDataAccess (or an expired iterator) now and then: carry on
          // after the last record read, or from now if none was.
          if (!(error instanceof Error) || !/TrimmedDataAccess|ExpiredIterator/.test(error.name)) throw error;
          const after = this.lastSequence.get(shardId);
          const { ShardIterator } = await this.streams.send(
            new GetShardIteratorCommand({ StreamArn: arn, ShardId: shardId, ...(after ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: after } : { ShardIteratorType: 'LATEST' }) }),
          );
          this.iterators.set(shardId, ShardIterator);
        }
      }
      if ((sinceDiscovery += POLL_MS) >= 1_000) {
        sinceDiscovery = 0;
        await this.discover(arn, 'TRIM_HORIZON');
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }
}
