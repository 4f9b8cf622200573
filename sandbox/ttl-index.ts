import {
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ResourceNotFoundException,
  TrimmedDataAccessException,
  type _Record,
  type DynamoDBStreamsClient,
} from '@aws-sdk/client-dynamodb-streams';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { SandboxLog } from './logs.ts';
import { Pause } from './pollers/pause.ts';
import { describeShards } from './pollers/stream.ts';
import { imageToJson, keyFingerprint } from './pollers/stream-records.ts';

/** How often the follower reads what the table's stream gained (a sweep also catches up first). */
const FOLLOW_INTERVAL_MS = 1_000;

export interface TtlEntry {
  readonly key: Record<string, AttributeValue>;
  /** The TTL attribute's value, epoch seconds. */
  readonly expiresAt: number;
}

/**
 * Which items of one table carry a TTL, and when they expire, kept from the table's own stream, so
 * that a sweep looks at the items that can expire instead of scanning the whole table. (A Scan of
 * DynamoDB Local grows faster than the table: 0.4 s at 10,000 items, 23 s at 100,000, every 30 s —
 * docs/performance.md.) The index follows the stream from its LATEST; whatever was written before
 * (a persisted table) comes from one Scan the sweeper runs at its first sweep, after the index
 * follows the stream, so every item is seen by one or the other. The stream's records for a key arrive in order, so the entry of a key
 * ends as its last write left it. Meanwhile (and, for a key written while the seeding Scan read it,
 * until its next write) an entry may be stale: that costs a delete whose condition fails, after
 * which the sweeper re-reads the item, or a deletion later than due; never a wrong deletion.
 */
export class TtlIndex {
  private readonly entries = new Map<string, TtlEntry>();
  /** Next iterator of each shard being read; null once a closed shard is read to its end. */
  private readonly iterators = new Map<string, string | null>();
  /** The last record read of each shard: where reading goes on when an iterator has to be renewed. */
  private readonly lastSequence = new Map<string, string>();
  /**
   * Why the index needs a Scan before it can be trusted: it starts knowing nothing of what the table
   * held before (`start`), or the stream lost records unread, or a Scan failed (`lost`).
   */
  private scanNeeded: 'start' | 'lost' | undefined = 'start';
  private readonly pause = new Pause();
  private reading: Promise<void> = Promise.resolve();
  private loop: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly streams: DynamoDBStreamsClient,
    private readonly streamArn: string,
    private readonly ttlAttribute: string,
    private readonly log: SandboxLog,
  ) {}

  /** Starts following the stream at its LATEST, before any seeding Scan. */
  async start(): Promise<void> {
    for (const shard of (await describeShards(this.streams, this.streamArn)).filter((shard) => shard.ShardId)) {
      // A shard closed before the start holds nothing after it; the Scan covers what it held.
      if (shard.SequenceNumberRange?.EndingSequenceNumber) this.iterators.set(shard.ShardId!, null);
      else this.iterators.set(shard.ShardId!, await this.iterator(shard.ShardId!, 'LATEST'));
    }
    this.loop = this.follow();
  }

  /** An item as a Scan or a re-read found it (`undefined` attributes: the item is gone). */
  set(key: Record<string, AttributeValue>, item: Record<string, AttributeValue> | undefined): void {
    const fingerprint = keyFingerprint(imageToJson(key));
    const expiresAt = Number(item?.[this.ttlAttribute]?.N ?? Number.NaN);
    if (Number.isFinite(expiresAt)) this.entries.set(fingerprint, { key, expiresAt });
    else this.entries.delete(fingerprint);
  }

  /** Items whose TTL is within [oldest, now], as far as the index has read (`catchUp` first). */
  due(oldest: number, now: number): TtlEntry[] {
    return [...this.entries.values()].filter(({ expiresAt }) => expiresAt >= oldest && expiresAt <= now);
  }

  /** What the index holds may be incomplete (a Scan that was to seed it failed): the next sweep scans again. */
  markMissed(): void {
    this.scanNeeded = 'lost';
  }

  /** Whether, and why, the caller must seed the index with a Scan now; asked once per Scan. */
  takeScanNeeded(): 'start' | 'lost' | undefined {
    const reason = this.scanNeeded;
    this.scanNeeded = undefined;
    return reason;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.pause.wakeAll();
    await this.loop;
    await this.reading.catch(() => {});
  }

  /** Reads every shard until it returns nothing new; one reading at a time. */
  catchUp(): Promise<void> {
    const next = this.reading.catch(() => {}).then(() => this.readAll());
    this.reading = next;
    return next;
  }

  private async follow(): Promise<void> {
    while (!this.stopped) {
      await this.pause.for(FOLLOW_INTERVAL_MS);
      if (this.stopped) break;
      await this.catchUp().catch((error: unknown) => this.log.warn('ttl-sweeper', `Cannot read ${this.streamArn}: ${String(error)}`));
    }
  }

  private async readAll(): Promise<void> {
    // Shards that opened since (a parent closed): new data, read from their beginning.
    for (const shard of (await describeShards(this.streams, this.streamArn)).filter((shard) => shard.ShardId)) {
      if (!this.iterators.has(shard.ShardId!)) this.iterators.set(shard.ShardId!, await this.iterator(shard.ShardId!, 'TRIM_HORIZON'));
    }
    for (const [shardId, start] of this.iterators) {
      let iterator = start;
      while (iterator) {
        let page;
        try {
          page = await this.streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
        } catch (error) {
          iterator = await this.renewed(shardId, error);
          this.iterators.set(shardId, iterator);
          continue;
        }
        for (const record of page.Records ?? []) {
          this.apply(record);
          if (record.dynamodb?.SequenceNumber) this.lastSequence.set(shardId, record.dynamodb.SequenceNumber);
        }
        iterator = page.NextShardIterator ?? null;
        this.iterators.set(shardId, iterator);
        if (!page.Records?.length) break;
      }
    }
  }

  /**
   * DynamoDB Local now and then answers an iterator with ExpiredIterator or TrimmedDataAccess: reading
   * goes on after the last record read. Where that is not known, or records were trimmed unread, it
   * goes on from LATEST and the next sweep seeds the index again. A shard that is gone is done.
   */
  private async renewed(shardId: string, error: unknown): Promise<string | null> {
    if (error instanceof ResourceNotFoundException) return null;
    if (!(error instanceof ExpiredIteratorException || error instanceof TrimmedDataAccessException)) throw error;
    const after = this.lastSequence.get(shardId);
    if (after && error instanceof ExpiredIteratorException) {
      const { ShardIterator } = await this.streams.send(
        new GetShardIteratorCommand({ StreamArn: this.streamArn, ShardId: shardId, ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: after }),
      );
      return ShardIterator ?? null;
    }
    this.scanNeeded = 'lost';
    return this.iterator(shardId, 'LATEST');
  }

  private apply(record: _Record): void {
    const keys = record.dynamodb?.Keys as Record<string, AttributeValue> | undefined;
    if (!keys) return;
    this.set(keys, record.eventName === 'REMOVE' ? undefined : (record.dynamodb?.NewImage as Record<string, AttributeValue> | undefined));
  }

  private async iterator(shardId: string, type: 'LATEST' | 'TRIM_HORIZON'): Promise<string | null> {
    const { ShardIterator } = await this.streams.send(new GetShardIteratorCommand({ StreamArn: this.streamArn, ShardId: shardId, ShardIteratorType: type }));
    return ShardIterator ?? null;
  }
}
