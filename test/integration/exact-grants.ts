import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { inject } from 'vitest';

export interface RecordedCalls {
  queues: Record<string, string>;
  buckets: Record<string, string>;
  permissions: Record<string, string[]>;
}

async function recordedAt(baseUrl: string): Promise<RecordedCalls> {
  const info = (await (await fetch(`${baseUrl}/_sandbox/info`)).json()) as Pick<RecordedCalls, 'queues' | 'buckets'>;
  const { permissions } = (await (await fetch(`${baseUrl}/_sandbox/calls`)).json()) as Pick<RecordedCalls, 'permissions'>;
  return { queues: info.queues, buckets: info.buckets, permissions };
}

/** A test with a sandbox of its own leaves what its functions called for the exact-grants check. */
export async function keepRecordedCalls(baseUrl: string, name: string): Promise<void> {
  await writeFile(join(inject('callsDir'), `${name}.json`), JSON.stringify(await recordedAt(baseUrl)));
}

/** Every sandbox's record of the run: the shared sandbox's, and those the other tests kept. */
export async function allRecordedCalls(): Promise<RecordedCalls[]> {
  const dir = inject('callsDir');
  const kept = await Promise.all((await readdir(dir)).map(async (file) => JSON.parse(await readFile(join(dir, file), 'utf8')) as RecordedCalls));
  return [await recordedAt(inject('sandboxUrl')), ...kept];
}
