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
 * The checkpoint file of a table's backfill, rewritten after every page. Writes are serialized and
 * atomic (temporary file, then rename), so an interruption at any moment leaves a readable file.
 */
export class CheckpointFile {
  readonly path: string;
  private writes: Promise<void> = Promise.resolve();

  constructor(directory: string, table: string) {
    this.path = join(directory, `${table.replace(/[^A-Za-z0-9._-]/g, '_')}.json`);
  }

  async load(): Promise<Checkpoint | undefined> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    return JSON.parse(text) as Checkpoint;
  }

  /** Queues a snapshot of `checkpoint`; resolves once it (and every earlier one) is on disk. */
  save(checkpoint: Checkpoint): Promise<void> {
    const snapshot = JSON.stringify(checkpoint, null, 2);
    this.writes = this.writes.then(async () => {
      await mkdir(dirname(this.path), { recursive: true });
      await writeFile(`${this.path}.tmp`, snapshot);
      await rename(`${this.path}.tmp`, this.path);
    });
    return this.writes;
  }

  /** A finished backfill leaves nothing to resume: the next run starts over (and finds nothing to do). */
  async remove(): Promise<void> {
    await this.writes;
    await rm(this.path, { force: true });
  }
}
