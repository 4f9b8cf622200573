/**
 * `npm start`: the whole platform on this machine. Persistent under `.sandbox/` unless `--in-memory`
 * (or SANDBOX_IN_MEMORY=1); PORT picks the HTTP port, SANDBOX_DATA_DIR another state directory.
 * Ctrl-C stops everything.
 */
import { SandboxError } from './errors.ts';
import { startSandbox } from './index.ts';

const inMemory = process.argv.includes('--in-memory') || process.env['SANDBOX_IN_MEMORY'] === '1';
const port = process.env['PORT'] === undefined ? 3000 : Number(process.env['PORT']);
const dataDir = process.env['SANDBOX_DATA_DIR'] || undefined;
const startedAt = Date.now();

try {
  const sandbox = await startSandbox({
    port,
    inMemory,
    dataDir,
    onProgress: (message) => console.log(`[sandbox] ${message}`),
  });
  const customer = await sandbox.issueToken({ sub: 'customer-1', email: 'customer@example.com' });
  const admin = await sandbox.issueToken({ sub: 'admin-1', admin: true });
  // Expired metric events land here (lib/archive.ts); the logical id carries the construct's name.
  const archiveBucket = Object.entries(sandbox.buckets).find(([logicalId]) => logicalId.includes('MetricsArchive'))?.[1] ?? '(none)';
  console.log(`
Commerce sandbox ready in ${((Date.now() - startedAt) / 1000).toFixed(1)} s${inMemory ? ' (in memory)' : ' (state in .sandbox/)'}

  API        ${sandbox.url}
  DynamoDB   ${sandbox.endpoints.dynamodb}   table ${sandbox.tableName}
  SQS        ${sandbox.endpoints.sqs}
  S3         ${sandbox.endpoints.s3}   archive bucket ${archiveBucket} (path-style)

Customer token (sub customer-1, valid 12 h):
  CUSTOMER=${customer}
Admin token (sub admin-1, group admin):
  ADMIN=${admin}

Try:
  curl ${sandbox.url}/health
  curl -X PUT ${sandbox.url}/products/p-1 -H "authorization: Bearer $ADMIN" -H 'content-type: application/json' \\
       -d '{"name":"Espresso cup","priceCents":1250}'
  curl ${sandbox.url}/products/p-1
  curl ${sandbox.url}/_sandbox/queues
  curl -X POST ${sandbox.url}/_sandbox/token -H 'content-type: application/json' -d '{"sub":"someone","admin":false}'

Edit a handler and call it again: it is rebuilt on its next invocation. Ctrl-C stops.`);

  const shutdown = (signal: string) => {
    console.log(`\n[sandbox] ${signal}: stopping…`);
    sandbox.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('[sandbox] Could not stop cleanly:', error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
} catch (error) {
  console.error(error instanceof SandboxError ? `[sandbox] ${error.message}` : error);
  process.exit(1);
}
