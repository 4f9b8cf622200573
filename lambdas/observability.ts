import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';

/** One logger, metrics and tracer per function instance; service name and namespace come from env. */
export const logger = new Logger();
export const metrics = new Metrics();
export const tracer = new Tracer();
