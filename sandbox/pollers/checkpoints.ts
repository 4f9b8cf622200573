import { readFile, rename, writeFile } from 'node:fs/promises';

type Positions = Record<string, Record<string, string>>;

/**
 * The last sequence number each stream mapping has handled in each shard, so a persistent sandbox
 * resumes where it stopped instead of replaying the stream. In memory mode nothing is written.
 */
export class StreamCheckpoints {
  private writing: Promise<void> = Promise.resolve();

  private constructor(
    private readonly positions: Positions,
    private readonly file: string | undefined,
  ) {}

  static async load(file: string | undefined): Promise<StreamCheckpoints> {
    if (!file) return new StreamCheckpoints({}, undefined);
    const stored = await readFile(file, 'utf8').catch(() => '{}');
    let positions: Positions;
    try {
      positions = JSON.parse(stored) as Positions;
    } catch {
      positions = {};
    }
    return new StreamCheckpoints(positions, file);
  }

  get(mappingLogicalId: string, shardId: string): string | undefined {
    return this.positions[mappingLogicalId]?.[shardId];
  }

  /** Records the position and persists it; writes are serialized and atomic (write, then rename). */
  save(mappingLogicalId: string, shardId: string, sequenceNumber: string): Promise<void> {
    this.positions[mappingLogicalId] = { ...this.positions[mappingLogicalId], [shardId]: sequenceNumber };
    const file = this.file;
    if (!file) return Promise.resolve();
    this.writing = this.writing.then(async () => {
      await writeFile(`${file}.tmp`, JSON.stringify(this.positions, null, 2));
      await rename(`${file}.tmp`, file);
    });
    return this.writing;
  }
}
