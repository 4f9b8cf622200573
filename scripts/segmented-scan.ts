import { type DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { mapBounded } from '../lambdas/domain/batching.ts';
import type { Checkpoint, CheckpointFile, SegmentCheckpoint } from './backfill/checkpoint.ts';

/** Raw items of the table, as a Scan returns them. */
export type RawItem = Record<string, unknown>;

export interface SegmentedScan<T extends Checkpoint> {
  client: DynamoDBDocumentClient;
  table: string;
  /** ElectroDB entity names (`__edb_e__`) to read; other items are filtered out by DynamoDB. */
  entities: readonly string[];
  pageSize: number;
  checkpoint: T;
  file: CheckpointFile<T>;
  /** Aborting stops each segment after its page in flight; the checkpoint lets the next run resume. */
  signal?: AbortSignal | undefined;
  /**
   * Handles one page. What it returns runs synchronously with the segment's position update, right
   * before the checkpoint is saved: state it puts into the checkpoint there is saved together with
   * the page's position, so a resumed run never counts a page twice or misses one.
   */
  processPage: (items: RawItem[], segment: number, scannedCount: number) => Promise<(() => void) | void>;
}

/**
 * A parallel Scan (one worker per segment; a maintenance job, not an access pattern) that writes
 * the checkpoint after every page. Resolves whether every segment is done; a failing segment stops
 * the others after their page in flight, as an interruption does, and its error is thrown.
 */
export async function scanSegments<T extends Checkpoint>(scan: SegmentedScan<T>): Promise<boolean> {
  const { checkpoint } = scan;
  const failure = new AbortController();
  const stopped = scan.signal ? AbortSignal.any([scan.signal, failure.signal]) : failure.signal;
  const names = Object.fromEntries(scan.entities.map((_, i) => [`:e${i}`, scan.entities[i]]));
  const scanSegment = async (segment: number, state: SegmentCheckpoint): Promise<void> => {
    try {
      while (!state.done && !stopped.aborted) {
        const page = await scan.client.send(
          new ScanCommand({
            TableName: scan.table,
            Segment: segment,
            TotalSegments: checkpoint.totalSegments,
            Limit: scan.pageSize,
            FilterExpression: `#entity IN (${Object.keys(names).join(', ')})`,
            ExpressionAttributeNames: { '#entity': '__edb_e__' },
            ExpressionAttributeValues: names,
            ...(state.lastEvaluatedKey ? { ExclusiveStartKey: state.lastEvaluatedKey } : {}),
          }),
        );
        const commit = await scan.processPage(page.Items ?? [], segment, page.ScannedCount ?? 0);
        commit?.();
        state.scanned += page.ScannedCount ?? 0;
        state.lastEvaluatedKey = page.LastEvaluatedKey ?? null;
        state.done = page.LastEvaluatedKey === undefined;
        await scan.file.save(checkpoint);
      }
    } catch (error) {
      failure.abort();
      throw error;
    }
  };
  await mapBounded(Array.from(checkpoint.segments.entries()), checkpoint.totalSegments, ([segment, state]) => scanSegment(segment, state));
  return checkpoint.segments.every((segment) => segment.done);
}
