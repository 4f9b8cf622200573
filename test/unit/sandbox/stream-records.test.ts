import type { _Record } from '@aws-sdk/client-dynamodb-streams';
import { describe, expect, it } from 'vitest';
import { keyFingerprint, toLambdaStreamRecord } from '../../../sandbox/pollers/stream-records.ts';

const streamArn = 'arn:aws:dynamodb:ddblocal:000000000000:table/t/stream/2026-01-01T00:00:00.000';

/** A record as @aws-sdk/client-dynamodb-streams returns it from DynamoDB Local. */
const sdkRecord: _Record = {
  eventID: 'e-1',
  eventName: 'MODIFY',
  eventVersion: '1.1',
  eventSource: 'aws:dynamodb',
  awsRegion: 'ddblocal',
  dynamodb: {
    ApproximateCreationDateTime: new Date('2026-01-01T10:00:00.000Z'),
    Keys: { pk: { S: 'order#1' }, sk: { S: 'order' } },
    NewImage: {
      pk: { S: 'order#1' },
      total: { N: '25' },
      blob: { B: new Uint8Array([1, 2, 3]) },
      lines: { L: [{ M: { qty: { N: '2' } } }, { NULL: true }, { BOOL: false }] },
      tags: { SS: ['a'] },
      // How the streams client reads an empty map.
      attributes: {} as never,
    },
    OldImage: { pk: { S: 'order#1' }, total: { N: '20' } },
    SequenceNumber: '000000000000000000042',
    SizeBytes: 120,
    StreamViewType: 'NEW_AND_OLD_IMAGES',
  },
};

describe('toLambdaStreamRecord', () => {
  it('converts a stream record to the shape Lambda delivers', () => {
    expect(toLambdaStreamRecord(sdkRecord, streamArn)).toEqual({
      eventID: 'e-1',
      eventName: 'MODIFY',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'us-east-1',
      eventSourceARN: streamArn,
      dynamodb: {
        ApproximateCreationDateTime: 1767261600,
        Keys: { pk: { S: 'order#1' }, sk: { S: 'order' } },
        NewImage: {
          pk: { S: 'order#1' },
          total: { N: '25' },
          blob: { B: 'AQID' },
          lines: { L: [{ M: { qty: { N: '2' } } }, { NULL: true }, { BOOL: false }] },
          tags: { SS: ['a'] },
          attributes: { M: {} },
        },
        OldImage: { pk: { S: 'order#1' }, total: { N: '20' } },
        SequenceNumber: '000000000000000000042',
        SizeBytes: 120,
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
    });
  });

  it('is JSON all the way down (what reaches the function is serialized)', () => {
    const record = toLambdaStreamRecord(sdkRecord, streamArn);
    expect(JSON.parse(JSON.stringify(record))).toEqual(record);
  });
});

describe('keyFingerprint', () => {
  it('ignores attribute order', () => {
    expect(keyFingerprint({ sk: { S: 'b' }, pk: { S: 'a' } })).toBe(keyFingerprint({ pk: { S: 'a' }, sk: { S: 'b' } }));
    expect(keyFingerprint({ pk: { S: 'a' }, sk: { S: 'b' } })).not.toBe(keyFingerprint({ pk: { S: 'a' }, sk: { S: 'c' } }));
  });
});
