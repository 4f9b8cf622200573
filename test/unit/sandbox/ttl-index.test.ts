import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  TrimmedDataAccessException,
  type _Record,
} from '@aws-sdk/client-dynamodb-streams';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSandboxLog } from '../../../sandbox/logs.ts';
import { TtlIndex } from '../../../sandbox/ttl-index.ts';

const ARN = 'arn:aws:dynamodb:ddblocal:000000000000:table/t/stream/x';
const streams = mockClient(DynamoDBStreamsClient);
let index: TtlIndex;

const insert = (id: string, ttl: number, sequence: string): _Record => ({
  eventName: 'INSERT',
  dynamodb: { Keys: { pk: { S: id } }, NewImage: { pk: { S: id }, ttl: { N: String(ttl) } }, SequenceNumber: sequence },
});
const error = (Type: typeof ExpiredIteratorException | typeof TrimmedDataAccessException) => new Type({ message: 'local', $metadata: {} });

beforeEach(() => {
  streams.reset();
  streams.on(DescribeStreamCommand).resolves({ StreamDescription: { Shards: [{ ShardId: 'shard-1', SequenceNumberRange: { StartingSequenceNumber: '1' } }] } });
  streams.on(GetShardIteratorCommand, { ShardIteratorType: 'LATEST' }).resolves({ ShardIterator: 'latest' });
  streams.on(GetShardIteratorCommand, { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER' }).resolves({ ShardIterator: 'after' });
  index = new TtlIndex(new DynamoDBStreamsClient({ region: 'us-east-1' }), ARN, 'ttl', createSandboxLog(false));
});

afterEach(async () => {
  await index.stop();
});

describe('TtlIndex', () => {
  it('goes on after the last record read when DynamoDB Local expires its iterator, missing nothing', async () => {
    streams
      .on(GetRecordsCommand, { ShardIterator: 'latest' })
      .resolvesOnce({ Records: [insert('a', 10, '5')], NextShardIterator: 'next' })
      .resolves({ Records: [], NextShardIterator: 'latest' });
    streams.on(GetRecordsCommand, { ShardIterator: 'next' }).rejects(error(ExpiredIteratorException));
    streams.on(GetRecordsCommand, { ShardIterator: 'after' }).resolvesOnce({ Records: [insert('b', 20, '6')], NextShardIterator: 'end' });
    streams.on(GetRecordsCommand, { ShardIterator: 'end' }).resolves({ Records: [], NextShardIterator: 'end' });
    await index.start();

    await index.catchUp();
    expect(index.due(0, 100).map(({ key }) => key['pk']!.S)).toEqual(['a', 'b']);
    expect(streams.commandCalls(GetShardIteratorCommand, { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: '5' })).toHaveLength(1);
    // Only the Scan every index starts with (what the table held before), no loss.
    expect(index.takeScanNeeded()).toBe('start');
  });

  it('says records were missed when the stream trimmed them unread, so that the sweeper scans again', async () => {
    streams.on(GetRecordsCommand, { ShardIterator: 'latest' }).rejectsOnce(error(TrimmedDataAccessException)).resolves({ Records: [], NextShardIterator: 'latest' });
    await index.start();
    expect(index.takeScanNeeded()).toBe('start');

    await index.catchUp();
    expect(index.due(0, 100)).toEqual([]);
    expect(index.takeScanNeeded()).toBe('lost');
    // Said once: the Scan that follows makes the index whole again.
    expect(index.takeScanNeeded()).toBeUndefined();
  });
});
