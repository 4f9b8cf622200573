import { readdirSync, readFileSync } from 'node:fs';
import { CreateTableCommand, DynamoDBClient, GetItemCommand, TransactWriteItemsCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { launchDynamoDbLocal } from '../sandbox/services/dynamodb-local.ts';
import { pooled } from './shop.ts';

/**
 * Profiling aid (issue 9 part 4): how DynamoDB Local scales with requests in flight, on its own
 * (no sandbox), for a table without indexes (`plain`), with three GSIs (`gsi`) or with GSIs and a
 * stream (`stream`): requests per second and its CPU per request at concurrency 1, 4, 16 and 50.
 * `tsx bench/raw-scaling.ts [plain|gsi|stream] [tx6,put,get]`.
 */
function javaCpu(): number {
  let ticks = 0;
  for (const pid of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(f[1]) === process.pid) ticks += Number(f[11]) + Number(f[12]);
    } catch {}
  }
  return ticks / 100;
}
const dynamo = await launchDynamoDbLocal({ dbPath: undefined });
await dynamo.waitUntilReady();
const client = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
const variant = process.argv[2] ?? 'plain';
const gsis = variant === 'plain' ? [] : [1, 2, 3].map((i) => ({ IndexName: `gsi${i}`, KeySchema: [{ AttributeName: `gsi${i}pk`, KeyType: 'HASH' as const }, { AttributeName: `gsi${i}sk`, KeyType: 'RANGE' as const }], Projection: { ProjectionType: 'ALL' as const } }));
await client.send(new CreateTableCommand({
  TableName: 'tbl', KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
  AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, ...gsis.flatMap((g) => g.KeySchema.map((k) => ({ AttributeName: k.AttributeName, AttributeType: 'S' as const })))],
  BillingMode: 'PAY_PER_REQUEST',
  ...(gsis.length ? { GlobalSecondaryIndexes: gsis } : {}),
  ...(variant === 'stream' ? { StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' } } : {}),
}));
console.log(`variant ${variant}`);
let n = 0;
const payload = 'x'.repeat(300);
const tx = () => ({ TransactItems: Array.from({ length: 6 }, (_, i) => ({ Put: { TableName: 'tbl', Item: { pk: { S: `k${++n}-${i}` }, v: { S: payload }, ...(variant === 'plain' ? {} : { gsi1pk: { S: `d${n % 8}` }, gsi1sk: { S: `k${n}` }, gsi2pk: { S: `s${n % 8}` }, gsi2sk: { S: `k${n}` } }) }, ConditionExpression: 'attribute_not_exists(pk)' } })) });
const kinds: Record<string, () => Promise<unknown>> = {
  tx6: () => client.send(new TransactWriteItemsCommand(tx())),
  put: () => client.send(new PutItemCommand({ TableName: 'tbl', Item: { pk: { S: `p${++n}` }, v: { S: payload } } })),
  get: () => client.send(new GetItemCommand({ TableName: 'tbl', Key: { pk: { S: `k${Math.max(1, n - 5)}-0` } }, ConsistentRead: true })),
};
for (let i = 0; i < 100; i++) await kinds['tx6']!();
const wanted = (process.argv[3] ?? 'tx6').split(',');
for (const [name, send] of Object.entries(kinds).filter(([kind]) => wanted.includes(kind))) {
  for (const concurrency of [1, 4, 16, 50]) {
    const count = 300;
    const cpu0 = javaCpu();
    const t0 = performance.now();
    await pooled(Array.from({ length: count }), concurrency, () => send());
    const s = (performance.now() - t0) / 1000;
    console.log(`${name} at ${concurrency}: ${(count / s).toFixed(0)}/s, DynamoDB Local ${(((javaCpu() - cpu0) * 1000) / count).toFixed(1)} ms CPU each, ${((javaCpu() - cpu0) / s).toFixed(2)} cores; load ${readFileSync('/proc/loadavg', 'utf8').split(' ')[0]}`);
  }
}
client.destroy();
await dynamo.stop();
