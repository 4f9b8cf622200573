import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

/** One logger and one metrics instance per function instance; service name and namespace come from env. */
export const logger = new Logger();
export const metrics = new Metrics();

// No Powertools Tracer (decision 0010): the X-Ray SDK it brings cost every bundle ~120 KiB and
// init time for the subsegments of one S3 client. Lambda's active tracing still records every
// invocation and its init.
