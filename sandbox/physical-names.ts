import { createHash } from 'node:crypto';
import { STACK_NAME } from './template.ts';

/** The pseudo account and region every sandbox ARN lives in. */
export const REGION = 'us-east-1';
export const ACCOUNT_ID = '000000000000';
export const PARTITION = 'aws';
export const URL_SUFFIX = 'amazonaws.com';

/**
 * The name CloudFormation would generate for a resource without an explicit name, minus the random
 * suffix so it stays stable across restarts: `<stack>-<logicalId>`, cut to the service's limit while
 * keeping the logical id's hash tail (which is what makes it unique).
 */
export function generatedName(logicalId: string, maxLength: number): string {
  const name = `${STACK_NAME}-${logicalId}`;
  if (name.length <= maxLength) return name;
  const tail = logicalId.slice(-8);
  return `${name.slice(0, maxLength - tail.length)}${tail}`;
}

const LOWER_ALPHANUMERIC = 'abcdefghijklmnopqrstuvwxyz0123456789';
const ALPHANUMERIC = `ABCDEFGHIJKLMNOPQRSTUVWXYZ${LOWER_ALPHANUMERIC}`;

/** A stable id shaped like the service's generated ids (API ids, user pool ids…), derived from the logical id. */
export function fakeId(logicalId: string, length: number, alphabet: 'lower' | 'mixed' = 'lower'): string {
  const characters = alphabet === 'lower' ? LOWER_ALPHANUMERIC : ALPHANUMERIC;
  const digest = createHash('sha256').update(logicalId).digest();
  return Array.from(digest.subarray(0, length), (byte) => characters[byte % characters.length]).join('');
}

export const arns = {
  table: (name: string) => `arn:${PARTITION}:dynamodb:${REGION}:${ACCOUNT_ID}:table/${name}`,
  queue: (name: string) => `arn:${PARTITION}:sqs:${REGION}:${ACCOUNT_ID}:${name}`,
  bucket: (name: string) => `arn:${PARTITION}:s3:::${name}`,
  function: (name: string) => `arn:${PARTITION}:lambda:${REGION}:${ACCOUNT_ID}:function:${name}`,
  userPool: (id: string) => `arn:${PARTITION}:cognito-idp:${REGION}:${ACCOUNT_ID}:userpool/${id}`,
  logGroup: (name: string) => `arn:${PARTITION}:logs:${REGION}:${ACCOUNT_ID}:log-group:${name}:*`,
  role: (name: string) => `arn:${PARTITION}:iam::${ACCOUNT_ID}:role/${name}`,
  eventBus: (name: string) => `arn:${PARTITION}:events:${REGION}:${ACCOUNT_ID}:event-bus/${name}`,
  rule: (bus: string, name: string) => `arn:${PARTITION}:events:${REGION}:${ACCOUNT_ID}:rule/${bus === 'default' ? '' : `${bus}/`}${name}`,
};
