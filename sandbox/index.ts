import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { SQSClient } from '@aws-sdk/client-sqs';
import { EventSources } from './event-sources.ts';
import { FunctionRegistry } from './functions.ts';
import { FunctionBundles, bundleWorkerRuntime } from './functions/build.ts';
import { functionEnvironment } from './functions/environment.ts';
import { checkRuntimes, workerNodeVersion } from './functions/runtime.ts';
import { startGateway, type Gateway } from './gateway.ts';
import { TokenAuthority, type TokenRequest } from './gateway/jwt.ts';
import type { QueueDepth, SandboxControl, SandboxInfo } from './gateway/sandbox-routes.ts';
import { waitUntilIdle } from './idle.ts';
import { TemplateResolver } from './intrinsics.ts';
import { createSandboxLog } from './logs.ts';
import { prepareSandboxPaths, type SandboxPaths } from './paths.ts';
import { StreamCheckpoints } from './pollers/checkpoints.ts';
import { QueueMonitor } from './queue-monitor.ts';
import { launchDynamoDbLocal, type DynamoDbLocal } from './services/dynamodb-local.ts';
import { localClientConfig } from './services/local-clients.ts';
import { MessageBroker } from './services/message-broker.ts';
import { provisionTables } from './services/tables.ts';
import { STACK_NAME, synthesizeTemplate } from './template.ts';
import { readEventSourceMappings, readFunctions } from './topology/functions.ts';
import { readHttpApi } from './topology/routes.ts';
import { readBuckets, readQueues, readTables } from './topology/storage.ts';
import { TtlDeletions } from './ttl-deletions.ts';
import { TtlSweeper } from './ttl-sweeper.ts';

export type { QueueDepth } from './gateway/sandbox-routes.ts';

export interface SandboxOptions {
  /** Port of the HTTP API; 0 = a random free port. Default 3000. */
  port?: number;
  /** Keep nothing on disk (DynamoDB Local in memory, temporary build directory). Default false. */
  inMemory?: boolean;
  /** Where persistent state lives. Default `<project>/.sandbox`. */
  dataDir?: string;
  /** Overrides of function environment variables that exist in the template (after the process environment). */
  env?: Record<string, string>;
  /** Function output and request lines on stdout/stderr. Default true. */
  logs?: boolean;
  /** Test-only: replaces every queue's VisibilityTimeout, so failed messages come back in seconds. */
  visibilityTimeoutSeconds?: number;
  /** Start-up progress, one line per step (used by `npm start`). */
  onProgress?: (message: string) => void;
}

export interface Sandbox {
  readonly url: string;
  readonly endpoints: { readonly dynamodb: string; readonly sqs: string; readonly s3: string };
  readonly tableName: string;
  /** Queue URLs by logical id. */
  readonly queueUrls: Readonly<Record<string, string>>;
  /** Bucket names by logical id. */
  readonly buckets: Readonly<Record<string, string>>;
  issueToken(request: TokenRequest): Promise<string>;
  /** Resolves when no work is left anywhere; rejects with SandboxBusyError naming what is still busy. */
  waitUntilIdle(options?: { timeoutMs?: number }): Promise<void>;
  /** Runs the TTL sweeper now; resolves with the number of items it deleted. */
  sweepTtl(): Promise<number>;
  queueDepths(): QueueDepth[];
  stop(): Promise<void>;
}

interface Running {
  paths?: SandboxPaths;
  dynamo?: DynamoDbLocal;
  broker?: MessageBroker;
  bundles?: FunctionBundles;
  functions?: FunctionRegistry;
  eventSources?: EventSources;
  sweeper?: TtlSweeper;
  gateway?: Gateway;
  clients?: Array<{ destroy(): void }>;
}

/** Runs the whole system locally from the CDK app's own synthesized template. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const running: Running = {};
  try {
    return await start(options, running);
  } catch (error) {
    await stopAll(running);
    throw error;
  }
}

async function start(options: SandboxOptions, running: Running): Promise<Sandbox> {
  const log = createSandboxLog(options.logs ?? true);
  const progress = options.onProgress ?? (() => {});
  const paths = (running.paths = await prepareSandboxPaths({ inMemory: options.inMemory ?? false, dataDir: options.dataDir }));
  // Java boots and fauxqs starts while CDK synthesizes (synthesis blocks this thread for a while).
  const dynamo = (running.dynamo = await launchDynamoDbLocal({ dbPath: paths.persisted?.dynamodb }));
  const broker = (running.broker = await MessageBroker.start());
  const template = synthesizeTemplate(paths.cdkOut);
  const staticResolver = new TemplateResolver(template);
  const tables = readTables(template, staticResolver);
  const queues = readQueues(template, staticResolver);
  const buckets = readBuckets(template, staticResolver);
  const functionSpecs = readFunctions(template, staticResolver);
  progress(`Synthesized ${STACK_NAME}: ${functionSpecs.length} functions, ${tables.length} table(s), ${queues.length} queues`);
  const workerNode = await workerNodeVersion();
  const runtimes = checkRuntimes(functionSpecs, workerNode);
  const runtimeNames = [...new Set(Object.values(runtimes).map((fn) => fn.runtime))].join(', ');
  progress(`Functions run on Node.js ${workerNode} in worker threads, as their runtime (${runtimeNames}) asks`);

  const dynamodb = new DynamoDBClient(localClientConfig(dynamo.endpoint));
  const sqs = new SQSClient(localClientConfig(broker.endpoint));
  const streams = new DynamoDBStreamsClient(localClientConfig(dynamo.endpoint));
  running.clients = [dynamodb, sqs, streams];
  const queueUrls = broker.provision(queues, buckets, options.visibilityTimeoutSeconds);
  progress(`SQS and S3 (fauxqs) on ${broker.endpoint}: ${queues.length} queues, ${buckets.length} buckets (in memory)`);
  const bundles = (running.bundles = new FunctionBundles(functionSpecs, paths.build));
  const [, runtimePath, streamArns] = await Promise.all([
    bundles.prepare().then((failure) => {
      // Not fatal: the developer fixes the source and the next invocation rebuilds it.
      if (failure) log.warn('build', failure.message);
      else progress(`Built ${functionSpecs.length} functions`);
    }),
    bundleWorkerRuntime(paths.build),
    dynamo.waitUntilReady().then(async () => {
      const arns = await provisionTables(dynamodb, tables, log);
      progress(`DynamoDB Local on ${dynamo.endpoint}: ${tables.map((table) => table.name).join(', ')}${paths.persisted ? '' : ' (in memory)'}`);
      return arns;
    }),
  ]);

  const resolver = new TemplateResolver(template, { queueUrls, streamArns });
  const mappings = readEventSourceMappings(template, resolver, functionSpecs, streamArns);
  const api = readHttpApi(template, resolver, functionSpecs);
  const endpoints = { dynamodb: dynamo.endpoint, sqs: broker.queueHostEndpoint, s3: broker.endpoint };
  const overrides = { ...process.env, ...options.env };
  const functions = (running.functions = new FunctionRegistry({
    specs: functionSpecs,
    bundles,
    runtimePath,
    environments: Object.fromEntries(functionSpecs.map((fn) => [fn.logicalId, functionEnvironment(fn, resolver, endpoints, overrides)])),
    maxEnvironments: Object.fromEntries(
      mappings.flatMap((mapping) => (mapping.kind === 'sqs' && mapping.maximumConcurrency ? [[mapping.functionLogicalId, mapping.maximumConcurrency]] : [])),
    ),
    log,
  }));

  const ttlDeletions = new TtlDeletions(mappings);
  const checkpoints = await StreamCheckpoints.load(paths.persisted?.streamCheckpoints);
  const eventSources = (running.eventSources = new EventSources({
    mappings,
    functionSpecs,
    queues,
    queueUrls,
    sqs,
    streams,
    functions,
    checkpoints,
    ttlDeletions,
    log,
  }));
  eventSources.start();
  const sweeper = (running.sweeper = new TtlSweeper(dynamodb, tables, ttlDeletions, log));
  sweeper.start();

  const queueMonitor = new QueueMonitor(broker, queues, queueUrls, mappings);
  const queueDepths = () => queueMonitor.depths();
  const idle = (timeoutMs?: number) =>
    waitUntilIdle(
      {
        busyNow: () => [
          ...functions.busy().map((fn) => `invocation in flight: ${fn}`),
          ...(sweeper.busy ? ['TTL sweep running'] : []),
          ...queueMonitor.busy(),
        ],
        unsettledStreams: (time) => eventSources.unsettledStreams(time),
        lastActivityAt: () => Math.max(functions.lastActivityAt, sweeper.lastActivityAt),
        nudge: () => eventSources.nudge(),
      },
      timeoutMs === undefined ? {} : { timeoutMs },
    );

  const [authorizer] = api.authorizers;
  const tokens = await TokenAuthority.create(authorizer ?? { issuer: 'sandbox', audience: ['sandbox'] }, paths.persisted?.jwtSecret);
  const tableName = tables[0]?.name ?? '';
  // The API's URL is known once the gateway listens; /_sandbox/info cannot be called before that.
  let info: SandboxInfo | undefined;
  const control: SandboxControl = {
    issueToken: (request) => tokens.issue(request),
    queueDepths,
    sweepTtl: () => sweeper.sweep(),
    waitUntilIdle: ({ timeoutMs }) => idle(timeoutMs),
    info: () => info!,
  };
  const gateway = (running.gateway = await startGateway({ port: options.port ?? 3000, api, functions, tokens, control, log }));
  info = {
    apiUrl: gateway.url,
    dynamodbEndpoint: dynamo.endpoint,
    sqsEndpoint: broker.endpoint,
    s3Endpoint: broker.endpoint,
    tableName,
    queues: queueUrls,
    buckets: Object.fromEntries(buckets.map((bucket) => [bucket.logicalId, bucket.name])),
    functions: runtimes,
  };
  progress(`HTTP API on ${gateway.url}: ${api.routes.length} routes`);

  let stopping: Promise<void> | undefined;
  return {
    url: gateway.url,
    endpoints: { dynamodb: dynamo.endpoint, sqs: broker.endpoint, s3: broker.endpoint },
    tableName,
    queueUrls,
    buckets: info.buckets,
    issueToken: (request) => tokens.issue(request),
    waitUntilIdle: (waitOptions = {}) => idle(waitOptions.timeoutMs),
    sweepTtl: () => sweeper.sweep(),
    queueDepths,
    stop: () => (stopping ??= stopAll(running)),
  };
}

/** Stops what is running, outermost first: no new requests, no new polls, then the functions and services. */
async function stopAll(running: Running): Promise<void> {
  await running.gateway?.stop();
  const eventSourcesStopped = running.eventSources?.stop();
  await running.functions?.stop();
  await eventSourcesStopped;
  await running.bundles?.dispose();
  await running.sweeper?.stop();
  for (const client of running.clients ?? []) client.destroy();
  await running.broker?.stop();
  await running.dynamo?.stop();
  await running.paths?.cleanup();
}
