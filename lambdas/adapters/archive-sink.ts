import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { config } from '../config.ts';
import { awsClientOptions } from './client-options.ts';
import type { ArchiveObject } from '../domain/metrics.ts';
import type { ArchiveSink } from '../ports/metrics.ts';

/**
 * The cold-storage archive: S3 bucket ARCHIVE_BUCKET. The SDK takes the endpoint from
 * AWS_ENDPOINT_URL_S3 itself but has no variable for path-style addressing, which local S3
 * emulators (the sandbox's fauxqs) need; in AWS the variable is unset and virtual-hosted style is used.
 */
const s3 = new S3Client({ ...awsClientOptions, forcePathStyle: config.s3ForcePathStyle });

/** Writes (or, for a redelivered batch, rewrites) one archive object. */
export async function putArchiveObject(object: ArchiveObject): Promise<void> {
  if (!config.archiveBucket) throw new Error('ARCHIVE_BUCKET is not configured for this function');
  await s3.send(
    new PutObjectCommand({
      Bucket: config.archiveBucket,
      Key: object.key,
      Body: object.body,
      ContentType: 'application/x-ndjson',
    }),
  );
}

export const archiveSink: ArchiveSink = { put: putArchiveObject };
