import { Duration, Validations } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/**
 * A queue where a stream consumer's on-failure destination parks the records it gave up on: kept
 * 14 days, encrypted, TLS-only, watched by an alarm (lib/observability.ts). It has no dead-letter
 * queue of its own, which cdk-nag flags: `whyNoConsumer` says why nothing consumes it.
 */
export function failureQueue(scope: Construct, id: string, whyNoConsumer: string): Queue {
  const queue = new Queue(scope, id, {
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  Validations.of(queue).acknowledge({ id: 'AwsSolutions-SQS3', reason: whyNoConsumer });
  return queue;
}
