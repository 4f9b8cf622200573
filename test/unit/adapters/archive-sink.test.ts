import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env['ARCHIVE_BUCKET'] = 'archive-unit';
});
const { putArchiveObject } = await import('../../../lambdas/adapters/archive-sink.ts');

const s3 = mockClient(S3Client);

beforeEach(() => {
  s3.reset();
  s3.on(PutObjectCommand).resolves({});
});

describe('putArchiveObject', () => {
  it('writes the object under its key in the archive bucket, as ndjson', async () => {
    await putArchiveObject({ key: 'metrics/clicks/2026-11-20/100.ndjson', body: '{"eventId":"X"}\n', count: 1 });
    expect(s3.commandCalls(PutObjectCommand).map((call) => call.args[0].input)).toEqual([
      { Bucket: 'archive-unit', Key: 'metrics/clicks/2026-11-20/100.ndjson', Body: '{"eventId":"X"}\n', ContentType: 'application/x-ndjson' },
    ]);
  });

  it('passes a failed write on', async () => {
    s3.on(PutObjectCommand).rejects(new Error('s3 down'));
    await expect(putArchiveObject({ key: 'k', body: '', count: 0 })).rejects.toThrow('s3 down');
  });
});
