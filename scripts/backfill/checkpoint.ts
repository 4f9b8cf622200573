import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** Where one Scan segment got to. `lastEvaluatedKey` is null before its first page. */
export interface SegmentCheckpoint {
  lastEvaluatedKey: Record<string, unknown> | null;
  done: boolean;
  scanned: number;
}

export interface Checkpoint {
  table: string;
  totalSegments: number;
  segments: SegmentCheckpoint[];
}

export function freshCheckpoint(table: string, totalSegments: number): Checkpoint {
  return {
    table,
    totalSegments,
    segments: Array.from({ length: totalSegments }, () => ({ lastEvaluatedKey: null, done: false, scanned: 0 })),
  };
}

/**
 * The checkpoint file of a table's segmented scan (a backfill, a rebuild), rewritten after every
 * page. Writes are serialized and atomic (temporary file, then rename), so an interruption at any
 * moment leaves a readable file. A command may keep more than the segments in it (`T`).
 */
export class CheckpointFile<T extends Checkpoint = Checkpoint> {
  readonly path: string;
  private writes: Promise<void> = Promise.resolve();

  constructor(directory: string, table: string) {
    this.path = join(directory, `${table.replace(/[^A-Za-z0-9._-]/g, '_')}.json`);
  }

  async load(): Promise<T | undefined> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    return JSON.parse(text) as T;
  }

  /** Queues a snapshot of `checkpoint`; resolves once it (and every earlier one) is on disk. */
  save(checkpoint: T): Promise<void> {
    const snapshot = JSON.stringify(checkpoint, null, 2);
    this.writes = this.writes.then(async () => {
      await mkdir(dirname(this.path), { recursive: true });
      await writeFile(`${this.path}.tmp`, snapshot);
      await rename(`${this.path}.tmp`, this.path);
    });
    return this.writes;
  }

  /** A finished run leaves nothing to resume: the next run starts over (and finds nothing to do). */
  async remove(): Promise<void> {
    await this.writes;
    await rm(this.path, { force: true });
  }
}

/**
 * The saved checkpoint to resume from, or a fresh one (`reset`, or nothing saved). Resuming with
 * another number of segments would scan items twice or never: refused.
 */
export async function openCheckpoint<T extends Checkpoint>(
  file: CheckpointFile<T>,
  options: { reset?: boolean | undefined; segments?: number | undefined; defaultSegments: number; fresh: (totalSegments: number) => T },
): Promise<{ checkpoint: T; resumed: boolean }> {
  const saved = options.reset ? undefined : await file.load();
  if (!saved) return { checkpoint: options.fresh(options.segments ?? options.defaultSegments), resumed: false };
  if (options.segments !== undefined && options.segments !== saved.totalSegments) {
    throw new Error(`${file.path} was written with ${saved.totalSegments} segments: resume with that many, or start over with --reset`);
  }
  return { checkpoint: saved, resumed: true };
}
