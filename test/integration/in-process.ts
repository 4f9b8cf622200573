import { vi } from 'vitest';
import { info } from './client.ts';

export interface Request {
  command: string;
  input: Record<string, unknown>;
}

/**
 * Runs function code in this process against the sandbox's DynamoDB Local, and counts the
 * DynamoDB requests it makes — to prove each access pattern is one request (or one per shard)
 * and never a Scan. Call before importing anything from lambdas/ (configuration is read at import).
 */
export async function inProcess(env: Record<string, string> = {}) {
  const sandbox = await info();
  const variables: Record<string, string> = {
    TABLE_NAME: sandbox.tableName,
    AWS_ENDPOINT_URL_DYNAMODB: sandbox.dynamodbEndpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_TRACE_ENABLED: 'false',
    POWERTOOLS_METRICS_DISABLED: 'true',
    ...env,
  };
  for (const [name, value] of Object.entries(variables)) vi.stubEnv(name, value);

  const { client } = await import('../../lambdas/model/table.ts');
  let recording: Request[] | undefined;
  if (!client.middlewareStack.identify().some((entry) => entry.startsWith('requestCounter'))) {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        recording?.push({ command: String(context.commandName), input: args.input as Record<string, unknown> });
        return next(args);
      },
      { step: 'initialize', name: 'requestCounter' },
    );
  }

  return {
    sandbox,
    /** Runs `work` and returns what it resolved to with every DynamoDB request it made. */
    async count<T>(work: () => Promise<T>): Promise<{ result: T; requests: Request[] }> {
      const requests: Request[] = [];
      recording = requests;
      try {
        return { result: await work(), requests };
      } finally {
        recording = undefined;
      }
    },
  };
}

/** The command names of a recording, e.g. ['QueryCommand', 'QueryCommand']. */
export const commands = (requests: Request[]) => requests.map((request) => request.command);
