import { DeleteItemCommand, DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { DescribeStreamCommand, DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand } from '@aws-sdk/client-dynamodb-streams';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import type { SandboxLog } from '../../../sandbox/logs.ts';
import type { TableSpec } from '../../../sandbox/topology/storage.ts';
import { TtlDeletions } from '../../../sandbox/ttl-deletions.ts';
import { TtlSweeper } from '../../../sandbox/ttl-sweeper.ts';

const table: TableSpec = {
  logicalId: 'Table',
  name: 'table',
  keySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
  attributeDefinitions: [],
  globalSecondaryIndexes: [],
  localSecondaryIndexes: [],
  streamViewType: 'NEW_AND_OLD_IMAGES',
  ttlAttribute: 'ttl',
};

describe('TtlSweeper', () => {
  it('seeds its index again at the next sweep when the seeding Scan failed, so items written before the start still expire', async () => {
    const dynamodb = mockClient(DynamoDBClient);
    const streams = mockClient(DynamoDBStreamsClient);
    streams.on(DescribeStreamCommand).resolves({ StreamDescription: { Shards: [{ ShardId: 'shard-1', SequenceNumberRange: { StartingSequenceNumber: '1' } }] } });
    streams.on(GetShardIteratorCommand).resolves({ ShardIterator: 'latest' });
    streams.on(GetRecordsCommand).resolves({ Records: [], NextShardIterator: 'latest' });
    const before = { pk: { S: 'written-before-the-start' }, ttl: { N: String(Math.floor(Date.now() / 1000) - 60) } };
    dynamodb.on(ScanCommand).rejectsOnce(new Error('DynamoDB Local is busy')).resolves({ Items: [before] });
    dynamodb.on(DeleteItemCommand).resolves({});

    const warnings: string[] = [];
    const log: SandboxLog = { verbose: false, info: () => {}, warn: (source, message) => void warnings.push(`[${source}] ${message}`) };
    const sweeper = new TtlSweeper(new DynamoDBClient({ region: 'us-east-1' }), [table], new TtlDeletions([]), log, {
      client: new DynamoDBStreamsClient({ region: 'us-east-1' }),
      arns: { Table: 'arn:stream' },
    });
    await sweeper.start();
    try {
      await expect(sweeper.sweep()).rejects.toThrow('DynamoDB Local is busy');
      expect(await sweeper.sweep()).toBe(1);
      expect(warnings).toEqual(['[ttl-sweeper] The TTL index of table may be incomplete (a failed Scan, or stream records lost unread): scanning the table again']);
      expect(dynamodb.commandCalls(DeleteItemCommand)[0]!.args[0].input.Key).toEqual({ pk: { S: 'written-before-the-start' } });
      // Seeded once more, then never again; and an item deleted is not tried twice.
      expect(await sweeper.sweep()).toBe(0);
      expect(dynamodb.commandCalls(ScanCommand)).toHaveLength(2);
    } finally {
      await sweeper.stop();
      dynamodb.restore();
      streams.restore();
    }
  });
});
