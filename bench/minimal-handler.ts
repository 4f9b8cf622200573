import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';

/**
 * The cold-start baseline of SPEC §7: the smallest useful DynamoDB function, one GetItem. It is
 * bundled with the deploy's own options (lib/function.ts), like every function it is compared with.
 */
const client = new DynamoDBClient({});

export async function handler(event: { id: string }) {
  const { Item } = await client.send(new GetItemCommand({ TableName: process.env.TABLE_NAME, Key: { pk: { S: event.id }, sk: { S: 'item' } } }));
  return Item ?? null;
}
