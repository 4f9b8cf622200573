import type { _Record, AttributeValue as StreamAttributeValue } from '@aws-sdk/client-dynamodb-streams';
import type { AttributeValue as LambdaAttributeValue, DynamoDBRecord } from 'aws-lambda';
import { REGION } from '../physical-names.ts';

/** What DynamoDB's TTL process leaves on the REMOVE records of the items it expires. */
export const TTL_USER_IDENTITY = { type: 'Service', principalId: 'dynamodb.amazonaws.com' } as const;

type Image = Record<string, StreamAttributeValue>;

/**
 * A stream record as Lambda delivers it: `ApproximateCreationDateTime` in epoch seconds, attribute
 * values in their JSON form (binary as base64), the stream ARN as `eventSourceARN`. `userIdentity`
 * is left to the caller: only TTL deletions carry one.
 */
export function toLambdaStreamRecord(record: _Record, streamArn: string): DynamoDBRecord {
  const source = record.dynamodb ?? {};
  const dynamodb: NonNullable<DynamoDBRecord['dynamodb']> = {};
  if (source.ApproximateCreationDateTime) dynamodb.ApproximateCreationDateTime = Math.floor(source.ApproximateCreationDateTime.getTime() / 1000);
  if (source.Keys) dynamodb.Keys = imageToJson(source.Keys);
  if (source.NewImage) dynamodb.NewImage = imageToJson(source.NewImage);
  if (source.OldImage) dynamodb.OldImage = imageToJson(source.OldImage);
  dynamodb.SequenceNumber = source.SequenceNumber;
  dynamodb.SizeBytes = source.SizeBytes;
  dynamodb.StreamViewType = source.StreamViewType;
  return {
    eventID: record.eventID,
    eventName: record.eventName,
    eventVersion: record.eventVersion ?? '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: REGION,
    dynamodb,
    eventSourceARN: streamArn,
  };
}

/** A stable identity for an item key, whatever the attribute order: used to recognize TTL deletions. */
export function keyFingerprint(keys: Readonly<Record<string, unknown>>): string {
  return JSON.stringify(Object.entries(keys).sort(([a], [b]) => a.localeCompare(b)));
}

/** An image (or key) in attribute-value JSON, the form the SDK's own marshalled items have. */
export function imageToJson(image: Image): Record<string, LambdaAttributeValue> {
  return Object.fromEntries(Object.entries(image).map(([name, value]) => [name, attributeToJson(value)]));
}

function attributeToJson(value: StreamAttributeValue): LambdaAttributeValue {
  if (value.S !== undefined) return { S: value.S };
  if (value.N !== undefined) return { N: value.N };
  if (value.B !== undefined) return { B: Buffer.from(value.B).toString('base64') };
  if (value.SS !== undefined) return { SS: value.SS };
  if (value.NS !== undefined) return { NS: value.NS };
  if (value.BS !== undefined) return { BS: value.BS.map((item) => Buffer.from(item).toString('base64')) };
  if (value.M !== undefined) return { M: imageToJson(value.M) };
  if (value.L !== undefined) return { L: value.L.map(attributeToJson) };
  if (value.NULL !== undefined) return { NULL: value.NULL };
  if (value.BOOL !== undefined) return { BOOL: value.BOOL };
  // The streams client reads an empty map ({"M":{}}) as an empty union: that is the only way to get here.
  return { M: {} };
}
