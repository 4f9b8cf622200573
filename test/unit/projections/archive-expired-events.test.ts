import { describe, expect, it } from 'vitest';
import type { ArchiveObject, ExpiredEvent } from '../../../lambdas/domain/metrics.ts';
import { archiveExpiredEvents } from '../../../lambdas/projections/archive-expired-events.ts';

const expired = (sequenceNumber: string, eventId: string, hour: string, name = 'clicks'): ExpiredEvent => ({
  sequenceNumber,
  event: { name, hour, eventId, at: `${hour}:05:00.000Z`, value: 1, userId: 'u1' },
});

/** An in-memory bucket: objects by key, a rewrite replaces. */
function fakeArchive(failing = false) {
  const objects = new Map<string, ArchiveObject>();
  let puts = 0;
  const ports = {
    archive: {
      put: async (object: ArchiveObject) => {
        puts++;
        if (failing) throw new Error('s3 down');
        objects.set(object.key, object);
      },
    },
  };
  return { ports, objects, puts: () => puts };
}

describe('archiveExpiredEvents', () => {
  it('writes one ndjson object per metric and day, keyed by its first record, and says how many', async () => {
    const archive = fakeArchive();
    const written = await archiveExpiredEvents([expired('100', 'X', '2026-11-20T10'), expired('101', 'Y', '2026-11-20T23', 'views'), expired('102', 'Z', '2026-11-20T22')], archive.ports);
    expect(written).toBe(2);
    expect([...archive.objects.keys()]).toEqual(['metrics/clicks/2026-11-20/100.ndjson', 'metrics/views/2026-11-20/101.ndjson']);
    expect(archive.objects.get('metrics/clicks/2026-11-20/100.ndjson')!.body.trimEnd().split('\n').map((line) => JSON.parse(line).eventId)).toEqual(['X', 'Z']);
  });

  it('rewrites the same objects when the same records come again', async () => {
    const archive = fakeArchive();
    const records = [expired('100', 'X', '2026-11-20T10')];
    await archiveExpiredEvents(records, archive.ports);
    await archiveExpiredEvents(records, archive.ports);
    expect(archive.puts()).toBe(2);
    expect(archive.objects.size).toBe(1);
  });

  it('writes nothing for no records, and throws when a write fails', async () => {
    const archive = fakeArchive(true);
    expect(await archiveExpiredEvents([], archive.ports)).toBe(0);
    await expect(archiveExpiredEvents([expired('1', 'X', '2026-11-20T10')], archive.ports)).rejects.toThrow('s3 down');
  });
});
