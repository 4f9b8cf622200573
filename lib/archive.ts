import { type CfnElement, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { Grant } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { BlockPublicAccess, Bucket, BucketEncryption, StorageClass } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { tunables } from '../lambdas/tunables.ts';

export interface ArchiveProps {
  readonly ephemeral: boolean;
}

/**
 * Cold storage of expired metric events: newline-delimited JSON under
 * `metrics/<name>/<YYYY-MM-DD>/…`, encrypted, TLS-only, moving to a colder class as it ages.
 */
export class Archive extends Construct {
  readonly bucket: Bucket;

  constructor(scope: Construct, id: string, props: ArchiveProps) {
    super(scope, id);
    this.bucket = new Bucket(this, 'MetricsArchive', {
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      versioned: false,
      lifecycleRules: [
        { transitions: [{ storageClass: StorageClass.GLACIER_INSTANT_RETRIEVAL, transitionAfter: Duration.days(30) }] },
      ],
      removalPolicy: props.ephemeral ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
      autoDeleteObjects: false,
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'Written only by the archiver Lambda, whose writes CloudTrail data events can audit; access logs would double storage of a write-once archive.',
    });
  }

  /** s3:PutObject under `metrics/` only — nothing to read, list or delete. */
  /** Binds the archive to its writer: the bucket's name (ARCHIVE_BUCKET) and PutObject under metrics/. */
  grantArchiveWrites(writer: IFunction & { addEnvironment(key: string, value: string): unknown }): void {
    writer.addEnvironment(tunables.archiveBucket.variable, this.bucket.bucketName);
    Grant.addToPrincipal({ grantee: writer, actions: ['s3:PutObject'], resourceArns: [this.bucket.arnForObjects('metrics/*')] });
    const bucketId = Stack.of(this).getLogicalId(this.bucket.node.defaultChild as CfnElement);
    Validations.of(writer.role ?? writer).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/metrics/*]`,
      reason: 'Archive object keys are made at run time from metric name and day, always under metrics/.',
    });
  }
}
