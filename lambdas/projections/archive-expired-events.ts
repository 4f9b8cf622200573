import { mapBounded } from '../domain/batching.ts';
import { archiveObjects, type ExpiredEvent } from '../domain/metrics.ts';
import type { ArchiveSink } from '../ports/metrics.ts';

/** Archive objects written at once. */
const ARCHIVE_CONCURRENCY = 4;

/**
 * Expired metric events → the cold-storage archive: one newline-delimited JSON object per metric
 * and day, named after its first record, so archiving the same records again rewrites the same
 * objects. Throws when an object could not be written, once every started write has ended.
 * Returns how many objects were written.
 */
export async function archiveExpiredEvents(expired: readonly ExpiredEvent[], ports: { archive: ArchiveSink }): Promise<number> {
  const objects = archiveObjects(expired);
  await mapBounded(objects, ARCHIVE_CONCURRENCY, (object) => ports.archive.put(object));
  return objects.length;
}
