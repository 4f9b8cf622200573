import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  GetItemCommand,
  ScanCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { SandboxLog } from './logs.ts';
import { imageToJson, keyFingerprint } from './pollers/stream-records.ts';
import type { TtlDeletions } from './ttl-deletions.ts';
import { TtlIndex } from './ttl-index.ts';
import type { TableSpec } from './topology/storage.ts';

const SWEEP_INTERVAL_MS = 30_000;
/** DynamoDB's TTL ignores timestamps more than five years in the past. */
const MAX_AGE_SECONDS = 5 * 365 * 24 * 60 * 60;
const CONCURRENT_DELETES = 10;

/**
 * Emulates DynamoDB's background TTL process (DynamoDB Local's own TTL deletes silently, without
 * stream records): every 30 s, and on demand, items whose TTL attribute is a number of epoch seconds
 * at or before now are deleted — only if still expired — and announced to the stream pollers as TTL
 * deletions. Which items carry a TTL is known from the table's stream (`TtlIndex`: one Scan at
 * the first sweep for what was there before, then the stream), so a sweep costs what expires, not the
 * table's size; a table without a stream of new images is scanned at each sweep instead. The
 * application itself never scans.
 */
export class TtlSweeper {
  private timer: NodeJS.Timeout | undefined;
  private current: Promise<number> = Promise.resolve(0);
  private sweeping = 0;
  private lastEndedAt = 0;

  /** The index of each table whose stream carries new images, by logical id. */
  private readonly indexes = new Map<string, TtlIndex>();

  constructor(
    private readonly client: DynamoDBClient,
    private readonly tables: readonly TableSpec[],
    private readonly deletions: TtlDeletions,
    private readonly log: SandboxLog,
    streams?: { readonly client: DynamoDBStreamsClient; readonly arns: Readonly<Record<string, string>> },
  ) {
    for (const table of tables) {
      const arn = streams?.arns[table.logicalId];
      if (table.ttlAttribute && arn && table.streamViewType?.startsWith('NEW_')) {
        this.indexes.set(table.logicalId, new TtlIndex(streams!.client, arn, table.ttlAttribute, log));
      }
    }
  }

  /** Starts following the tables' streams; the first sweep seeds each index with one Scan. */
  async start(): Promise<void> {
    await Promise.all([...this.indexes.values()].map((index) => index.start()));
    this.timer = setInterval(() => {
      void this.sweep().catch((error: unknown) => this.log.warn('ttl-sweeper', `Sweep failed: ${String(error)}`));
    }, SWEEP_INTERVAL_MS);
  }

  /** Runs a sweep after any sweep in progress; resolves with the number of items it deleted. */
  sweep(): Promise<number> {
    this.sweeping += 1;
    const next = this.current
      .catch(() => 0)
      .then(() => this.sweepAll())
      .finally(() => {
        this.sweeping -= 1;
        this.lastEndedAt = Date.now();
      });
    this.current = next;
    return next;
  }

  get busy(): boolean {
    return this.sweeping > 0;
  }

  /** When the last sweep ended: its REMOVE records may still be on their way through the stream. */
  get lastActivityAt(): number {
    return this.lastEndedAt;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.current.catch(() => 0);
    await Promise.all([...this.indexes.values()].map((index) => index.stop()));
  }

  private async sweepAll(): Promise<number> {
    const counts = await Promise.all(this.tables.filter((table) => table.ttlAttribute).map((table) => this.sweepTable(table)));
    return counts.reduce((sum, count) => sum + count, 0);
  }

  private async sweepTable(table: TableSpec): Promise<number> {
    const now = Math.floor(Date.now() / 1000);
    const oldest = now - MAX_AGE_SECONDS;
    const index = this.indexes.get(table.logicalId);
    if (!index) {
      const keys: Record<string, AttributeValue>[] = [];
      await this.scan(table, (key) => keys.push(key), 'due', now);
      return this.expireAll(table, keys, now);
    }
    await index.catchUp();
    const reason = index.takeScanNeeded();
    if (reason === 'lost') this.log.warn('ttl-sweeper', `The TTL index of ${table.name} may be incomplete (a failed Scan, or stream records lost unread): scanning the table again`);
    if (reason) {
      await this.scan(table, (key, item) => index.set(key, item), 'attribute_exists').catch((error: unknown) => {
        index.markMissed();
        throw error;
      });
    }
    return this.expireAll(table, index.due(oldest, now).map(({ key }) => key), now, index);
  }

  private async expireAll(table: TableSpec, keys: readonly Record<string, AttributeValue>[], now: number, index?: TtlIndex): Promise<number> {
    let deleted = 0;
    for (let start = 0; start < keys.length; start += CONCURRENT_DELETES) {
      const outcomes = await Promise.all(keys.slice(start, start + CONCURRENT_DELETES).map((key) => this.expire(table, key, now, index)));
      deleted += outcomes.filter(Boolean).length;
    }
    return deleted;
  }

  /** Every item with the TTL attribute (`attribute_exists`), or every item due now (`due`), page by page. */
  private async scan(
    table: TableSpec,
    found: (key: Record<string, AttributeValue>, item: Record<string, AttributeValue>) => void,
    which: 'attribute_exists' | 'due',
    now = 0,
  ): Promise<void> {
    const keyNames = table.keySchema.map((key) => key.AttributeName!);
    const names = Object.fromEntries([...keyNames, table.ttlAttribute!].map((name, index) => [`#a${index}`, name]));
    const ttlName = `#a${keyNames.length}`;
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const page = await this.client.send(
        new ScanCommand({
          TableName: table.name,
          ProjectionExpression: Object.keys(names).join(', '),
          ...(which === 'due'
            ? {
                FilterExpression: `${ttlName} BETWEEN :oldest AND :now`,
                ExpressionAttributeValues: { ':now': { N: String(now) }, ':oldest': { N: String(now - MAX_AGE_SECONDS) } },
              }
            : { FilterExpression: `attribute_exists(${ttlName})` }),
          ExpressionAttributeNames: names,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) found(Object.fromEntries(keyNames.map((name) => [name, item[name]!])), item);
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  }

  /** Deletes one item if it is still expired; false when it changed meanwhile. */
  private async expire(table: TableSpec, key: Record<string, AttributeValue>, now: number, index?: TtlIndex): Promise<boolean> {
    const fingerprint = keyFingerprint(imageToJson(key));
    this.deletions.expect(table.logicalId, fingerprint);
    try {
      await this.client.send(
        new DeleteItemCommand({
          TableName: table.name,
          Key: key,
          ConditionExpression: '#ttl <= :now',
          ExpressionAttributeNames: { '#ttl': table.ttlAttribute! },
          ExpressionAttributeValues: { ':now': { N: String(now) } },
        }),
      );
      // Its REMOVE record would say so too, but perhaps not before the next sweep.
      index?.set(key, undefined);
      return true;
    } catch (error) {
      this.deletions.cancel(table.logicalId, fingerprint);
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      // Changed or gone since the index saw it: the index learns its TTL as it is now.
      if (index) {
        const { Item } = await this.client.send(
          new GetItemCommand({ TableName: table.name, Key: key, ConsistentRead: true, ProjectionExpression: '#ttl', ExpressionAttributeNames: { '#ttl': table.ttlAttribute! } }),
        );
        index.set(key, Item);
      }
      return false;
    }
  }
}
