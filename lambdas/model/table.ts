import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { awsClientOptions } from '../adapters/client-options.ts';
import { config } from '../config.ts';

/**
 * The one DynamoDB table. Key and index names mirror lib/database.ts. Every entity keeps the
 * case of ids in its keys (`casing: 'none'`): ids are case-sensitive in the API.
 */
export const client = DynamoDBDocumentClient.from(new DynamoDBClient(awsClientOptions), {
  marshallOptions: { removeUndefinedValues: true },
});

export const entityConfig = { client, table: config.tableName };

/** Every item records the version of its own schema (read-time upgrades, backfill). */
export const schemaVersion = { type: 'number', default: 1, required: true } as const;

export const SERVICE = 'commerce';
