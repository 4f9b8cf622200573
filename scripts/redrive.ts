import { parseArgs } from 'node:util';
import { SQSClient } from '@aws-sdk/client-sqs';
import { gracefulInterruption, LOCAL_CREDENTIALS, progressBar, runCommand, sandboxTarget } from './command-line.ts';
import { findRedrivePairs, type RedrivePair, redrive, stackQueueUrls, waitingMessages } from './redrive/run.ts';

const USAGE = `Usage: npm run redrive -- [options]

Moves the messages of a dead-letter queue back to the queue that dead-lettered them (its redrive
policy names it), after the cause was fixed. Today that is the order DLQ → the order queue:
settlement is idempotent, so a redriven order that is no longer PENDING is acknowledged unchanged.
A message is deleted from the DLQ only once the source queue accepted it: safe to interrupt and to
run twice. The projection failure queue has no source to go back to (its messages describe stream
batches; see docs/runbook.md).

Options:
  --stack NAME     a deployed stack: its queues are found by name (CloudFormation names them
                   <stack>-…), with the SDK's usual credentials (default: the running sandbox)
  --region REGION  AWS region of the stack (default: the SDK's, e.g. AWS_REGION)
  --sandbox URL    sandbox to ask for its queues via GET /_sandbox/info (default: http://localhost:3000)
  --queue TEXT     only the dead-letter queues whose URL contains TEXT, e.g. OrderDlq
  --dry-run        count the messages each dead-letter queue would move, and move nothing
  -h, --help       show this help

Exit status: 0 all moved, 1 some failed (run again), 130 interrupted (run again to continue).

Examples:
  npm run redrive -- --dry-run                 # the sandbox started with npm start
  npm run redrive -- --stack Commerce --region eu-west-1 --dry-run
  npm run redrive -- --stack Commerce --region eu-west-1 --queue OrderDlq
`;

function parseCli(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      strict: true,
      options: {
        stack: { type: 'string' },
        region: { type: 'string' },
        sandbox: { type: 'string', default: 'http://localhost:3000' },
        queue: { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values;
  } catch (error) {
    throw new Error(`${(error as Error).message} (see npm run redrive -- --help)`);
  }
}

/** The SQS client and queue URLs of the target: a deployed stack, or the sandbox. */
async function target(cli: ReturnType<typeof parseCli>): Promise<{ sqs: SQSClient; queueUrls: string[]; name: string }> {
  if (cli.stack) {
    const sqs = new SQSClient({ ...(cli.region ? { region: cli.region } : {}) });
    return { sqs, queueUrls: await stackQueueUrls(sqs, cli.stack), name: `stack ${cli.stack}` };
  }
  const sandbox = await sandboxTarget(cli.sandbox, '--stack');
  const sqs = new SQSClient({ endpoint: sandbox.sqsEndpoint, region: cli.region ?? 'us-east-1', credentials: LOCAL_CREDENTIALS });
  return { sqs, queueUrls: Object.values(sandbox.queues), name: `the sandbox at ${cli.sandbox}` };
}

const queueName = (url: string) => url.split('/').pop()!;

async function main(): Promise<number> {
  const cli = parseCli(process.argv.slice(2));
  if (cli.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const { sqs, queueUrls, name } = await target(cli);
  try {
    const pairs = (await findRedrivePairs(sqs, queueUrls)).filter((pair) => !cli.queue || pair.deadLetterQueueUrl.includes(cli.queue));
    if (pairs.length === 0) throw new Error(`no dead-letter queue${cli.queue ? ` like ${cli.queue}` : ''} with a source queue in ${name}`);
    if (cli['dry-run']) {
      for (const pair of pairs) {
        const waiting = await waitingMessages(sqs, pair.deadLetterQueueUrl);
        process.stdout.write(`dry run: would move ${waiting} messages from ${queueName(pair.deadLetterQueueUrl)} to ${queueName(pair.sourceQueueUrl)}\n`);
      }
      return 0;
    }
    return await moveAll(sqs, pairs);
  } finally {
    sqs.destroy();
  }
}

async function moveAll(sqs: SQSClient, pairs: RedrivePair[]): Promise<number> {
  let status = 0;
  let bar: ReturnType<typeof progressBar> | undefined;
  const signal = gracefulInterruption(() => bar?.stop(), 'stopping after the batch in flight (what is left stays in the DLQ)…');
  for (const pair of pairs) {
    const from = queueName(pair.deadLetterQueueUrl);
    bar = progressBar(`redrive ${from} {bar} {percentage}% | {value}/{total} messages | {moved} moved, {failed} failed`);
    const result = await redrive(sqs, pair, {
      signal,
      onProgress: (p) => bar?.update(p.moved + p.failed + p.notDeleted, p.waitingAtStart, { moved: p.moved, failed: p.failed }),
    }).finally(() => bar?.stop());
    const summary = `${result.moved} moved, ${result.failed} failed, of ${result.waitingAtStart} waiting in ${from}, to ${queueName(pair.sourceQueueUrl)}`;
    process.stdout.write(`redrive: ${summary}\n`);
    if (result.notDeleted > 0) {
      process.stderr.write(`${result.notDeleted} messages were sent back but not deleted from ${from}: the next run sends them again (settlement is idempotent)\n`);
    }
    if (signal.aborted) return 130;
    if (result.failed > 0 || result.notDeleted > 0) status = 1;
  }
  return status;
}

runCommand('redrive', main);
