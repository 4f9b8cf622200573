import { ConditionalCheckFailedException, DescribeTableCommand, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mapBounded } from '../../lambdas/domain/batching.ts';
import { AGAIN, retry } from '../../lambdas/domain/retry.ts';
import { tunables } from '../../lambdas/tunables.ts';
import { bulkDocumentClient } from '../command-line.ts';
import { scanSegments } from '../segmented-scan.ts';
import { CheckpointFile, freshCheckpoint, openCheckpoint } from './checkpoint.ts';
import { type InPlaceMigration, inventoryBuckets, isReplacing, type Migration, type ReplacingMigration, userNameSplit } from './migrations.ts';

export interface BackfillOptions {
  table: string;
  /** A DynamoDB endpoint such as DynamoDB Local's; omitted, the SDK's own (AWS) is used. */
  endpoint?: string;
  region?: string;
  /** Parallel Scan segments. Default: the checkpoint's when resuming, else 4. */
  segments?: number;
  /** Items each Scan page evaluates; a checkpoint is written after every page. */
  pageSize?: number;
  /** Forget the checkpoint and start over. */
  reset?: boolean;
  checkpointDir?: string;
  /** Aborting stops each segment after its page in flight; the checkpoint lets the next run resume. */
  signal?: AbortSignal;
  onProgress?: (progress: BackfillProgress) => void;
  /** Default: every migration of scripts/backfill/migrations.ts. */
  migrations?: Migration[];
  /** Buckets a schema-1 inventory item is spread over; default STOCK_BUCKET_COUNT's. */
  stockBuckets?: number;
}

export interface BackfillCounts {
  /** Items of the table this run read (any entity). */
  scanned: number;
  /** Items this run brought to the migration's version. */
  migrated: number;
  /** Items of the migrated entity already at the version, or migrated concurrently by someone else. */
  skipped: number;
  /**
   * Old items left as they were: they kept changing while the backfill moved them (a hot product's
   * stock during a sale), or what should replace them exists already. A later run tries again.
   */
  left: number;
}

export interface BackfillProgress extends BackfillCounts {
  /** Items earlier, interrupted runs had already scanned. */
  scannedBefore: number;
  /** DynamoDB's approximate item count of the table (AWS refreshes it about every six hours). */
  estimatedTotal: number;
}

export interface BackfillResult extends BackfillCounts {
  completed: boolean;
  resumed: boolean;
  totalSegments: number;
  checkpointPath: string;
}

export const DEFAULT_SEGMENTS = 4;
const DEFAULT_PAGE_SIZE = 100;
/** Conditional updates in flight per segment: segments × this bounds the load on the table. */
const UPDATES_PER_SEGMENT = 8;

/** Writes the upgraded attributes and the new version, on condition that the item is still old. */
function upgradeCommand(table: string, keyNames: string[], migration: InPlaceMigration, item: Record<string, unknown>): UpdateCommand {
  const upgraded = migration.upgrade(item);
  const names: Record<string, string> = { '#schemaVersion': 'schemaVersion', '#key': keyNames[0]! };
  const values: Record<string, unknown> = { ':to': migration.toVersion };
  const sets = migration.changes.map((attribute, i) => {
    names[`#a${i}`] = attribute;
    values[`:a${i}`] = upgraded[attribute];
    return `#a${i} = :a${i}`;
  });
  return new UpdateCommand({
    TableName: table,
    Key: Object.fromEntries(keyNames.map((name) => [name, item[name]])),
    UpdateExpression: `SET ${[...sets, '#schemaVersion = :to'].join(', ')}`,
    ConditionExpression: 'attribute_exists(#key) AND (attribute_not_exists(#schemaVersion) OR #schemaVersion < :to)',
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  });
}

/** Races with live writers of an item being moved (settlements on a schema-1 stock item) before it is left for a later run. */
const MOVE_RACES = { attempts: 5, baseMs: 50, capMs: 1000 };

/**
 * Moves an old item to the keys of its replacements in one transaction (ReplacingMigration). When
 * the old item changed since it was read, reads it again and retries; when it is gone or migrated,
 * someone else did it. Resolves what became of it.
 */
async function replaceItem(
  client: DynamoDBDocumentClient,
  table: string,
  keyNames: string[],
  migration: ReplacingMigration,
  scanned: Record<string, unknown>,
): Promise<'migrated' | 'skipped' | 'left'> {
  const key = Object.fromEntries(keyNames.map((name) => [name, scanned[name]]));
  let item: Record<string, unknown> | undefined = scanned;
  const outcome = await retry(MOVE_RACES, async () => {
    if (!item || Number(item.schemaVersion ?? 1) >= migration.toVersion) return 'skipped' as const;
    const old = item;
    const names = Object.fromEntries([keyNames[0]!, ...migration.unchanged].map((name, i) => [`#a${i}`, name]));
    const values = Object.fromEntries(migration.unchanged.map((name, i) => [`:a${i + 1}`, old[name]]));
    const asRead = migration.unchanged.map((_, i) => `#a${i + 1} = :a${i + 1}`);
    try {
      await client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Delete: {
                TableName: table,
                Key: key,
                ConditionExpression: ['attribute_exists(#a0)', ...asRead].join(' AND '),
                ExpressionAttributeNames: names,
                ...(asRead.length ? { ExpressionAttributeValues: values } : {}),
              },
            },
            ...migration.replacements(old).map((replacement) => ({
              Put: { TableName: table, Item: replacement, ConditionExpression: 'attribute_not_exists(#key)', ExpressionAttributeNames: { '#key': keyNames[0]! } },
            })),
          ],
        }),
      );
      return 'migrated' as const;
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const [oldItem, ...replacements] = (error.CancellationReasons ?? []).map((reason) => reason.Code);
      // What should replace the old item is there already: leave both for an operator (PUT the stock again).
      if (replacements.includes('ConditionalCheckFailed')) return 'left' as const;
      if (oldItem === 'ConditionalCheckFailed') item = (await client.send(new GetCommand({ TableName: table, Key: key, ConsistentRead: true }))).Item;
      return AGAIN;
    }
  });
  return outcome === AGAIN ? 'left' : outcome;
}

/**
 * Migrates every item of each migration's entity below its version, in bulk: a parallel Scan (one worker
 * per segment; a maintenance job, not an access pattern), a conditional update per old item, and a
 * checkpoint per segment after every page. Safe to run twice and to interrupt at any point: the
 * update is conditioned on the item still being old, so a page processed again changes nothing.
 */
export async function runBackfill(options: BackfillOptions): Promise<BackfillResult> {
  const migrations = options.migrations ?? [userNameSplit, inventoryBuckets(options.stockBuckets ?? tunables.stockBucketCount.default)];
  const byEntity = new Map(migrations.map((migration) => [migration.entity, migration]));
  const file = new CheckpointFile(options.checkpointDir ?? '.backfill', options.table);
  const { checkpoint, resumed } = await openCheckpoint(file, {
    reset: options.reset,
    segments: options.segments,
    defaultSegments: DEFAULT_SEGMENTS,
    fresh: (segments) => freshCheckpoint(options.table, segments),
  });
  const client = bulkDocumentClient(options);
  const counts: BackfillCounts = { scanned: 0, migrated: 0, skipped: 0, left: 0 };
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: options.table }));
    const keyNames = (Table?.KeySchema ?? []).map((key) => key.AttributeName!);
    const scannedBefore = checkpoint.segments.reduce((sum, segment) => sum + segment.scanned, 0);
    const report = () => options.onProgress?.({ ...counts, scannedBefore, estimatedTotal: Table?.ItemCount ?? 0 });

    const migrate = async (item: Record<string, unknown>): Promise<void> => {
      const migration = byEntity.get(String(item.__edb_e__));
      if (!migration || Number(item.schemaVersion ?? 1) >= migration.toVersion) {
        counts.skipped++;
        return;
      }
      if (isReplacing(migration)) {
        counts[await replaceItem(client, options.table, keyNames, migration, item)]++;
        return;
      }
      try {
        await client.send(upgradeCommand(options.table, keyNames, migration, item));
        counts.migrated++;
      } catch (error) {
        // Written (or deleted) by someone else since the Scan read it: nothing left to do here.
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        counts.skipped++;
      }
    };

    report();
    const completed = await scanSegments({
      client,
      table: options.table,
      entities: migrations.map((migration) => migration.entity),
      pageSize: options.pageSize ?? DEFAULT_PAGE_SIZE,
      checkpoint,
      file,
      signal: options.signal,
      processPage: async (items, _segment, scannedCount) => {
        counts.scanned += scannedCount;
        await mapBounded(items, UPDATES_PER_SEGMENT, migrate);
        report();
      },
    });
    if (completed) await file.remove();
    return { ...counts, completed, resumed, totalSegments: checkpoint.totalSegments, checkpointPath: file.path };
  } finally {
    client.destroy();
  }
}
