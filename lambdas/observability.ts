import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

/** One logger and one metrics instance per function instance; service name and namespace come from env. */
export const logger = new Logger();
export const metrics = new Metrics();

/**
 * No Powertools Tracer in the functions (decision 0010): it brought the X-Ray SDK into every bundle
 * (~115 KiB, measured init cost in the decision) for the subsegments of one S3 client. Lambda's
 * active tracing still records every invocation and its init. `captureAWSv3Client` returns the
 * client unchanged, so its one caller (adapters/archive-sink.ts) needs no change; it goes with it.
 */
export const tracer = {
  captureAWSv3Client: <Client>(client: Client): Client => client,
};
