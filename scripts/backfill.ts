import { parseArgs } from 'node:util';
import { DEFAULT_SEGMENTS, runBackfill } from './backfill/run.ts';
import { tunables } from '../lambdas/tunables.ts';
import { gracefulInterruption, positiveInteger, progressBar, runCommand, sandboxTarget } from './command-line.ts';

const USAGE = `Usage: npm run backfill -- [options]

Migrates old items of the single table to the current schema (today: users of schema 1, whose
profile.name becomes givenName/familyName; inventory of schema 1, one item per warehouse, spread
over that warehouse's stock buckets as PUT inventory writes them). Parallel Scan segments, a
conditional write per old item, progress on stderr. Resumable: a checkpoint per segment is
written after every page, so an interrupted run (Ctrl-C, a crash) continues where it stopped when
started again with the same table. Safe to run twice: items already migrated are skipped, never
rewritten.

Options:
  --table NAME           the table to migrate (default: the running sandbox's, see --sandbox)
  --endpoint URL         DynamoDB endpoint, e.g. DynamoDB Local (default: AWS, from the SDK's
                         usual region and credentials; with no --table, the sandbox's)
  --region REGION        AWS region (default: the SDK's, e.g. AWS_REGION)
  --sandbox URL          sandbox to ask for table and endpoint via GET /_sandbox/info when no
                         --table is given (default: http://localhost:3000)
  --segments N           parallel Scan segments, 1-1000 (default: the checkpoint's, else ${DEFAULT_SEGMENTS})
  --page-size N          items each Scan page evaluates, 1-10000 (default: 100)
  --stock-buckets N      buckets an old inventory item is spread over, 1-99 (default: the
                         functions' STOCK_BUCKET_COUNT, ${tunables.stockBucketCount.default})
  --checkpoint-dir DIR   where checkpoints live, one file per table (default: .backfill)
  --reset                forget the table's checkpoint and start from the beginning
  -h, --help             show this help

Ctrl-C (or SIGTERM) stops after the pages in flight and keeps the checkpoint.
Exit status: 0 done, 1 failed, 130 interrupted (run the same command again to resume).

Examples:
  npm run backfill                                  # the sandbox started with npm start
  npm run backfill -- --table Commerce-Table --segments 16
  npm run backfill -- --table t --endpoint http://localhost:8000 --reset
`;

function parseCli(argv: string[]) {
  try {
    return parseOptions(argv);
  } catch (error) {
    throw new Error(`${(error as Error).message} (see npm run backfill -- --help)`);
  }
}

function parseOptions(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      table: { type: 'string' },
      endpoint: { type: 'string' },
      region: { type: 'string' },
      sandbox: { type: 'string', default: 'http://localhost:3000' },
      segments: { type: 'string' },
      'page-size': { type: 'string' },
      'stock-buckets': { type: 'string' },
      'checkpoint-dir': { type: 'string', default: '.backfill' },
      reset: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  return {
    ...values,
    segments: positiveInteger('segments', values.segments, 1000),
    pageSize: positiveInteger('page-size', values['page-size'], 10_000),
    stockBuckets: positiveInteger('stock-buckets', values['stock-buckets'], tunables.stockBucketCount.max),
  };
}

async function main(): Promise<number> {
  const cli = parseCli(process.argv.slice(2));
  if (cli.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const target = cli.table
    ? { table: cli.table, ...(cli.endpoint ? { endpoint: cli.endpoint } : {}) }
    : await sandboxTarget(cli.sandbox, '--table').then((info) => ({ table: info.tableName, endpoint: info.dynamodbEndpoint }));

  const bar = progressBar('backfill {bar} {percentage}% | {value}/{total} items scanned | {migrated} migrated, {skipped} skipped | eta {eta_formatted}');
  // Draining takes one page per segment; Ctrl-\\ still quits at once.
  const signal = gracefulInterruption(
    () => bar.stop(), // the bar owns the line it redraws: close it before writing anything else
    'stopping after the pages in flight (Ctrl-\\ quits at once; the checkpoint still holds)…',
  );

  const result = await runBackfill({
    ...target,
    ...(cli.region ? { region: cli.region } : {}),
    ...(cli.segments ? { segments: cli.segments } : {}),
    ...(cli.pageSize ? { pageSize: cli.pageSize } : {}),
    ...(cli.stockBuckets ? { stockBuckets: cli.stockBuckets } : {}),
    reset: cli.reset,
    checkpointDir: cli['checkpoint-dir'],
    signal,
    // The table's item count is an estimate (refreshed about every six hours).
    onProgress: (p) => bar.update(p.scannedBefore + p.scanned, p.estimatedTotal, { migrated: p.migrated, skipped: p.skipped }),
  }).finally(() => bar.stop());

  const left = result.left ? `, ${result.left} left as they were (they kept changing, or their replacements exist: run again later)` : '';
  const summary = `${result.scanned} items scanned, ${result.migrated} migrated, ${result.skipped} skipped${left} in ${result.totalSegments} segments`;
  if (!result.completed) {
    process.stderr.write(`interrupted: ${summary}. Run the same command again to resume from ${result.checkpointPath}\n`);
    return 130;
  }
  process.stdout.write(`backfill of ${target.table} ${result.resumed ? 'resumed and ' : ''}done: ${summary}\n`);
  return 0;
}

runCommand('backfill', main);
