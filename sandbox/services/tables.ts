import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceNotFoundException,
  UpdateTableCommand,
  type DynamoDBClient,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import type { SandboxLog } from '../logs.ts';
import type { TableSpec } from '../topology/storage.ts';

/**
 * Creates each table exactly as the template declares it (keys, GSIs with their projections, LSIs,
 * stream). A table that already exists (persistent mode) is kept, gains the GSIs the template added
 * since, and is warned about if its shape otherwise no longer matches the template. Returns each streamed table's stream ARN, by logical id.
 */
export async function provisionTables(client: DynamoDBClient, tables: readonly TableSpec[], log: SandboxLog): Promise<Record<string, string>> {
  const described = await Promise.all(tables.map((table) => ensureTable(client, table, log)));
  const streamArns: Record<string, string> = {};
  tables.forEach((table, index) => {
    const streamArn = described[index]?.LatestStreamArn;
    if (streamArn && table.streamViewType) streamArns[table.logicalId] = streamArn;
  });
  return streamArns;
}

async function ensureTable(client: DynamoDBClient, table: TableSpec, log: SandboxLog): Promise<TableDescription> {
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: table.name }));
    if (Table) {
      const upgraded = await addMissingIndexes(client, table, Table, log);
      warnOnDrift(table, upgraded, log);
      return upgraded;
    }
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
  const { TableDescription } = await client.send(
    new CreateTableCommand({
      TableName: table.name,
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: table.keySchema,
      AttributeDefinitions: table.attributeDefinitions,
      GlobalSecondaryIndexes: table.globalSecondaryIndexes.length > 0 ? table.globalSecondaryIndexes : undefined,
      LocalSecondaryIndexes: table.localSecondaryIndexes.length > 0 ? table.localSecondaryIndexes : undefined,
      StreamSpecification: table.streamViewType
        ? { StreamEnabled: true, StreamViewType: table.streamViewType as 'NEW_AND_OLD_IMAGES' }
        : undefined,
    }),
  );
  return TableDescription ?? {};
}

/**
 * A persisted table from before the template gained a GSI gets it, as a deploy would add it; the
 * index is backfilled from the existing items. One index per UpdateTable, as DynamoDB requires.
 */
async function addMissingIndexes(client: DynamoDBClient, table: TableSpec, existing: TableDescription, log: SandboxLog): Promise<TableDescription> {
  const present = new Set((existing.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName));
  const missing = table.globalSecondaryIndexes.filter((index) => !present.has(index.IndexName));
  for (const index of missing) {
    await client.send(
      new UpdateTableCommand({
        TableName: table.name,
        AttributeDefinitions: table.attributeDefinitions,
        GlobalSecondaryIndexUpdates: [{ Create: index }],
      }),
    );
    log.info('dynamodb', `Added index ${index.IndexName} to the persisted table ${table.name}`);
  }
  if (missing.length === 0) return existing;
  return (await client.send(new DescribeTableCommand({ TableName: table.name }))).Table ?? existing;
}

function warnOnDrift(table: TableSpec, existing: TableDescription, log: SandboxLog): void {
  const shape = (keys: unknown, indexes: Array<{ IndexName?: string; KeySchema?: unknown }> | undefined) =>
    JSON.stringify([keys, (indexes ?? []).map((index) => [index.IndexName, index.KeySchema]).sort()]);
  const wanted = shape(table.keySchema, table.globalSecondaryIndexes);
  const actual = shape(existing.KeySchema, existing.GlobalSecondaryIndexes);
  const streamDiffers = (existing.StreamSpecification?.StreamViewType ?? undefined) !== table.streamViewType;
  if (wanted !== actual || streamDiffers) {
    log.warn(
      'dynamodb',
      `Table ${table.name} in the persisted data no longer matches the template (keys, indexes or stream).\n` +
        'Delete .sandbox/dynamodb (or run with --in-memory) to recreate it.',
    );
  }
}
