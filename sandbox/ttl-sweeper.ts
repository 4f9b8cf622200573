import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  ScanCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import type { SandboxLog } from './logs.ts';
import { imageToJson, keyFingerprint } from './pollers/stream-records.ts';
import type { TtlDeletions } from './ttl-deletions.ts';
import type { TableSpec } from './topology/storage.ts';

const SWEEP_INTERVAL_MS = 30_000;
/** DynamoDB's TTL ignores timestamps more than five years in the past. */
const MAX_AGE_SECONDS = 5 * 365 * 24 * 60 * 60;
const CONCURRENT_DELETES = 10;

/**
 * Emulates DynamoDB's background TTL process (DynamoDB Local's own TTL deletes silently, without
 * stream records): every 30 s, and on demand, items whose TTL attribute is a number of epoch seconds
 * at or before now are deleted — only if still expired — and announced to the stream pollers as TTL
 * deletions. The Scan is what DynamoDB does internally; the application itself never scans.
 */
export class TtlSweeper {
  private timer: NodeJS.Timeout | undefined;
  private current: Promise<number> = Promise.resolve(0);
  private sweeping = 0;
  private lastEndedAt = 0;

  constructor(
    private readonly client: DynamoDBClient,
    private readonly tables: readonly TableSpec[],
    private readonly deletions: TtlDeletions,
    private readonly log: SandboxLog,
  ) {}

  start(): void {
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
  }

  private async sweepAll(): Promise<number> {
    const counts = await Promise.all(this.tables.filter((table) => table.ttlAttribute).map((table) => this.sweepTable(table)));
    return counts.reduce((sum, count) => sum + count, 0);
  }

  private async sweepTable(table: TableSpec): Promise<number> {
    const now = Math.floor(Date.now() / 1000);
    const keyNames = table.keySchema.map((key) => key.AttributeName!);
    const names = Object.fromEntries([...keyNames, table.ttlAttribute!].map((name, index) => [`#a${index}`, name]));
    const ttlName = `#a${keyNames.length}`;
    const values = { ':now': { N: String(now) }, ':oldest': { N: String(now - MAX_AGE_SECONDS) } };
    let deleted = 0;
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const page = await this.client.send(
        new ScanCommand({
          TableName: table.name,
          ProjectionExpression: Object.keys(names).join(', '),
          FilterExpression: `${ttlName} BETWEEN :oldest AND :now`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ExclusiveStartKey: startKey,
        }),
      );
      const keys = (page.Items ?? []).map((item) => Object.fromEntries(keyNames.map((name) => [name, item[name]!])));
      for (let index = 0; index < keys.length; index += CONCURRENT_DELETES) {
        const outcomes = await Promise.all(keys.slice(index, index + CONCURRENT_DELETES).map((key) => this.expire(table, key, now)));
        deleted += outcomes.filter(Boolean).length;
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return deleted;
  }

  /** Deletes one item if it is still expired; false when it changed meanwhile. */
  private async expire(table: TableSpec, key: Record<string, AttributeValue>, now: number): Promise<boolean> {
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
      return true;
    } catch (error) {
      this.deletions.cancel(table.logicalId, fingerprint);
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
