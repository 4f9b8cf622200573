import { ConditionalCheckFailedException, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mapBounded } from '../../lambdas/domain/batching.ts';
import { type Checkpoint, CheckpointFile, freshCheckpoint, type SegmentCheckpoint } from './checkpoint.ts';
import { type Migration, userNameSplit } from './migrations.ts';

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
  migration?: Migration;
}

export interface BackfillCounts {
  /** Items of the table this run read (any entity). */
  scanned: number;
  /** Items this run brought to the migration's version. */
  migrated: number;
  /** Items of the migrated entity already at the version, or migrated concurrently by someone else. */
  skipped: number;
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
const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

function documentClient(options: BackfillOptions): DynamoDBDocumentClient {
  const local = options.endpoint !== undefined && /^https?:\/\/(localhost|127\.|\[::1\])/.test(options.endpoint);
  return DynamoDBDocumentClient.from(
    new DynamoDBClient({
      // A bulk job meets throttling: back off client-side too, and keep retrying longer than a request would.
      retryMode: 'adaptive',
      maxAttempts: 10,
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      ...(options.region ? { region: options.region } : local ? { region: 'us-east-1' } : {}),
      ...(local ? { credentials: LOCAL_CREDENTIALS } : {}),
    }),
  );
}

async function openCheckpoint(file: CheckpointFile, options: BackfillOptions): Promise<{ checkpoint: Checkpoint; resumed: boolean }> {
  const saved = options.reset ? undefined : await file.load();
  if (!saved) return { checkpoint: freshCheckpoint(options.table, options.segments ?? DEFAULT_SEGMENTS), resumed: false };
  if (options.segments !== undefined && options.segments !== saved.totalSegments) {
    throw new Error(`${file.path} was written with ${saved.totalSegments} segments: resume with that many, or start over with --reset`);
  }
  return { checkpoint: saved, resumed: true };
}

/** Writes the upgraded attributes and the new version, on condition that the item is still old. */
function upgradeCommand(table: string, keyNames: string[], migration: Migration, item: Record<string, unknown>): UpdateCommand {
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

/**
 * Migrates every item of `migration.entity` below its version, in bulk: a parallel Scan (one worker
 * per segment; a maintenance job, not an access pattern), a conditional update per old item, and a
 * checkpoint per segment after every page. Safe to run twice and to interrupt at any point: the
 * update is conditioned on the item still being old, so a page processed again changes nothing.
 */
export async function runBackfill(options: BackfillOptions): Promise<BackfillResult> {
  const migration = options.migration ?? userNameSplit;
  const file = new CheckpointFile(options.checkpointDir ?? '.backfill', options.table);
  const { checkpoint, resumed } = await openCheckpoint(file, options);
  const client = documentClient(options);
  const counts: BackfillCounts = { scanned: 0, migrated: 0, skipped: 0 };
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: options.table }));
    const keyNames = (Table?.KeySchema ?? []).map((key) => key.AttributeName!);
    const scannedBefore = checkpoint.segments.reduce((sum, segment) => sum + segment.scanned, 0);
    const report = () => options.onProgress?.({ ...counts, scannedBefore, estimatedTotal: Table?.ItemCount ?? 0 });

    const migrate = async (item: Record<string, unknown>): Promise<void> => {
      if (Number(item.schemaVersion ?? 1) >= migration.toVersion) {
        counts.skipped++;
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

    // A failing segment stops the others after their page in flight, as an interruption does.
    const failure = new AbortController();
    const stopped = options.signal ? AbortSignal.any([options.signal, failure.signal]) : failure.signal;
    const scanSegment = async (segment: number, state: SegmentCheckpoint): Promise<void> => {
      try {
        while (!state.done && !stopped.aborted) {
          const page = await client.send(
            new ScanCommand({
              TableName: options.table,
              Segment: segment,
              TotalSegments: checkpoint.totalSegments,
              Limit: options.pageSize ?? DEFAULT_PAGE_SIZE,
              FilterExpression: '#entity = :entity',
              ExpressionAttributeNames: { '#entity': '__edb_e__' },
              ExpressionAttributeValues: { ':entity': migration.entity },
              ...(state.lastEvaluatedKey ? { ExclusiveStartKey: state.lastEvaluatedKey } : {}),
            }),
          );
          counts.scanned += page.ScannedCount ?? 0;
          await mapBounded(page.Items ?? [], UPDATES_PER_SEGMENT, migrate);
          state.scanned += page.ScannedCount ?? 0;
          state.lastEvaluatedKey = page.LastEvaluatedKey ?? null;
          state.done = page.LastEvaluatedKey === undefined;
          await file.save(checkpoint);
          report();
        }
      } catch (error) {
        failure.abort();
        throw error;
      }
    };

    report();
    await mapBounded(Array.from(checkpoint.segments.entries()), checkpoint.totalSegments, ([segment, state]) => scanSegment(segment, state));
    const completed = checkpoint.segments.every((segment) => segment.done);
    if (completed) await file.remove();
    return { ...counts, completed, resumed, totalSegments: checkpoint.totalSegments, checkpointPath: file.path };
  } finally {
    client.destroy();
  }
}
