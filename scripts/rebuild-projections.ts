import { parseArgs } from 'node:util';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { bulkDocumentClient, gracefulInterruption, positiveInteger, progressBar, runCommand, sandboxTarget } from './command-line.ts';
import { READ_MODELS } from './rebuild-projections/findings.ts';

const USAGE = `Usage: npm run rebuild-projections -- [options]

Recomputes the read models the stream projector keeps — each user's order history, stats and
recent orders, each product's sales, the top-products board — from the orders themselves (each
order item is the head of its event log, checked against its last event), compares them with the
live read models and reports the differences (counts and the first examples). Without --dry-run it
also writes what differs, each write conditioned on the item being as it was read, keeping the
projector's idempotency guards (a confirmed order's history item, versions) in step. Users and products
with an order that changed during the run are left to the projector and reported.

Parallel Scan segments, progress on stderr. Resumable: a checkpoint (segments and what they added
up to) is written after every page; an interrupted run continues when started again. Safe to run
twice: a second run finds nothing to repair.

Options:
  --stack NAME           a deployed stack: its table is the one named <stack>-…Table… (SDK's usual
                         credentials; default: the running sandbox)
  --table NAME           the table, instead of --stack (with --endpoint for DynamoDB Local)
  --endpoint URL         DynamoDB endpoint (default: AWS; with neither --stack nor --table, the sandbox's)
  --region REGION        AWS region (default: the SDK's, e.g. AWS_REGION)
  --sandbox URL          sandbox to ask for table and endpoint via GET /_sandbox/info
                         (default: http://localhost:3000)
  --dry-run              compare and report only, write nothing
  --segments N           parallel Scan segments, 1-1000 (default: the checkpoint's, else 4)
  --page-size N          items each Scan page evaluates, 1-10000 (default: 100)
  --checkpoint-dir DIR   where checkpoints live, one file per table (default: .rebuild-projections)
  --reset                forget the checkpoint and start from the beginning
  -h, --help             show this help

Ctrl-C (or SIGTERM) stops after the pages in flight and keeps the checkpoint.
Exit status: 0 done, 1 failed, 130 interrupted (run the same command again to resume).

Examples:
  npm run rebuild-projections -- --dry-run          # the sandbox started with npm start
  npm run rebuild-projections -- --stack Commerce --region eu-west-1 --dry-run
  npm run rebuild-projections -- --stack Commerce --region eu-west-1 --segments 16
`;

function parseCli(argv: string[]) {
  try {
    const { values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        stack: { type: 'string' },
        table: { type: 'string' },
        endpoint: { type: 'string' },
        region: { type: 'string' },
        sandbox: { type: 'string', default: 'http://localhost:3000' },
        'dry-run': { type: 'boolean', default: false },
        segments: { type: 'string' },
        'page-size': { type: 'string' },
        'checkpoint-dir': { type: 'string', default: '.rebuild-projections' },
        reset: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
    return { ...values, segments: positiveInteger('segments', values.segments, 1000), pageSize: positiveInteger('page-size', values['page-size'], 10_000) };
  } catch (error) {
    throw new Error(`${(error as Error).message} (see npm run rebuild-projections -- --help)`);
  }
}

/** CloudFormation names the stack's table `<stack>-DatabaseTable…-<suffix>`. */
async function stackTable(stack: string, region: string | undefined): Promise<string> {
  const client = bulkDocumentClient({ region });
  try {
    const names: string[] = [];
    let start: string | undefined;
    do {
      const page = await client.send(new ListTablesCommand({ ...(start ? { ExclusiveStartTableName: start } : {}) }));
      names.push(...(page.TableNames ?? []).filter((name) => name.startsWith(`${stack}-`) && name.includes('Table')));
      start = page.LastEvaluatedTableName;
    } while (start);
    if (names.length !== 1) throw new Error(`${names.length === 0 ? 'no' : 'more than one'} table of stack ${stack} (${names.join(', ')}): pass --table`);
    return names[0]!;
  } finally {
    client.destroy();
  }
}

async function target(cli: ReturnType<typeof parseCli>): Promise<{ table: string; endpoint?: string }> {
  if (cli.table) return { table: cli.table, ...(cli.endpoint ? { endpoint: cli.endpoint } : {}) };
  if (cli.stack) return { table: await stackTable(cli.stack, cli.region) };
  const sandbox = await sandboxTarget(cli.sandbox, '--stack or --table');
  return { table: sandbox.tableName, endpoint: sandbox.dynamodbEndpoint };
}

async function main(): Promise<number> {
  const cli = parseCli(process.argv.slice(2));
  if (cli.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const { table, endpoint } = await target(cli);
  // The model (lambdas/model) validates the functions' configuration when it is loaded.
  process.env.TABLE_NAME = table;
  const { rebuildProjections } = await import('./rebuild-projections/run.ts');

  const bar = progressBar('rebuild-projections {phase} {bar} {percentage}% | {value}/{total} {unit} | {differences} differences');
  const signal = gracefulInterruption(() => bar.stop(), 'stopping after the pages in flight (Ctrl-\\ quits at once; the checkpoint still holds)…');
  const result = await rebuildProjections({
    table,
    endpoint,
    region: cli.region,
    dryRun: cli['dry-run'],
    segments: cli.segments,
    pageSize: cli.pageSize,
    reset: cli.reset,
    checkpointDir: cli['checkpoint-dir'],
    signal,
    onProgress: (p) => bar.update(p.done, p.total, { phase: p.phase, unit: p.phase === 'scan' ? 'items scanned' : 'read models compared', differences: p.differences }),
  }).finally(() => bar.stop());

  if (!result.completed) {
    process.stderr.write(`interrupted after ${result.orders} orders. Run the same command again to resume from ${result.checkpointPath}\n`);
    return 130;
  }
  const { differences, heldUsers, heldProducts } = result.findings;
  const verb = cli['dry-run'] ? 'found (dry run, nothing written)' : 'repaired';
  const lines = [`rebuild-projections of ${table} ${result.resumed ? 'resumed and ' : ''}done: ${result.orders} orders, ${result.differences === 0 ? 'no differences' : `${result.differences} differences ${verb}`}`];
  for (const kind of READ_MODELS) {
    const found = differences[kind];
    const note = kind === 'orderLog' ? ' (never repaired: the order and its event log disagree — look at them; their users and products are left alone)' : '';
    if (found) lines.push(`  ${kind}: ${found.count}${note}`, ...found.examples.map((example) => `    ${example}`));
  }
  if (heldUsers.length + heldProducts.length + result.contended > 0) {
    lines.push(`  left to the live projector (changed during the run): ${heldUsers.length} users, ${heldProducts.length} products; kept changing: ${result.contended}. Run again to check them.`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

runCommand('rebuild-projections', main);
