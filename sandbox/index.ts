import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { SQSClient } from '@aws-sdk/client-sqs';
import { EventBusEmulator } from './event-bus.ts';
import { EventSources } from './event-sources.ts';
import { FaultPlan } from './faults/plan.ts';
import { startServiceProxy, type ServiceProxy } from './faults/service-proxy.ts';
import { FunctionRegistry } from './function-registry.ts';
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
import { Mailbox, startBusAndMail, type BusAndMailServer } from './services/bus-and-mail.ts';
import { localClientConfig } from './services/local-clients.ts';
import { MessageBroker } from './services/message-broker.ts';
import { provisionTables } from './services/tables.ts';
import { STACK_NAME, synthesizeTemplate } from './template.ts';
import { readEventBusTopology } from './topology/event-bus.ts';
import { readEventSourceMappings, readFunctions } from './topology/functions.ts';
import { readHttpApi } from './topology/routes.ts';
import { readBuckets, readQueues, readTables } from './topology/storage.ts';
import { readSchedules, Schedules } from './schedules.ts';
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
  /** Scheduled rules fire at their rate (default); false: only on `POST /_sandbox/schedules` (tests). */
  scheduleTimers?: boolean;
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
  /**
   * Enables or disables the event source mappings of a function (its logical id or a prefix of it,
   * e.g. `OrderPipelineSettleOrder`), as `aws lambda update-event-source-mapping --enabled` does:
   * while disabled, its queue's messages or its stream's records wait (and the sandbox is not idle).
   */
  setMappingsEnabled(functionName: string, enabled: boolean): void;
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
  schedules?: Schedules;
  proxies?: ServiceProxy[];
  busAndMail?: BusAndMailServer;
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

  // Functions reach DynamoDB, SQS and S3 through proxies that record their calls and inject faults.
  const faults = new FaultPlan();
  let functions: FunctionRegistry | undefined;
  const crash = (environment: string) => void functions?.crash(environment);
  // EventBridge and SES are emulated in this process; their bus needs the functions, known below.
  let bus: EventBusEmulator | undefined;
  const mailbox = new Mailbox();
  const busAndMail = (running.busAndMail = await startBusAndMail((entries) => bus!.put(entries), mailbox));
  const [dynamodbProxy, sqsProxy, s3Proxy, eventsProxy, sesProxy] = (running.proxies = await Promise.all([
    startServiceProxy({ service: 'dynamodb', upstream: hostAndPort(dynamo.endpoint), plan: faults, crash, log }),
    startServiceProxy({ service: 'sqs', upstream: hostAndPort(broker.endpoint), plan: faults, crash, log }),
    startServiceProxy({ service: 's3', upstream: hostAndPort(broker.endpoint), plan: faults, crash, log }),
    startServiceProxy({ service: 'events', upstream: hostAndPort(busAndMail.endpoint), plan: faults, crash, log }),
    startServiceProxy({ service: 'ses', upstream: hostAndPort(busAndMail.endpoint), plan: faults, crash, log }),
  ]));
  const functionQueueUrls = Object.fromEntries(Object.entries(queueUrls).map(([id, url]) => [id, withPort(url, sqsProxy!.port)]));
  const functionResolver = new TemplateResolver(template, { queueUrls: functionQueueUrls, streamArns });
  const endpoints = {
    dynamodb: `http://127.0.0.1:${dynamodbProxy!.port}`,
    sqs: withPort(broker.queueHostEndpoint, sqsProxy!.port),
    s3: `http://127.0.0.1:${s3Proxy!.port}`,
    events: `http://127.0.0.1:${eventsProxy!.port}`,
    ses: `http://127.0.0.1:${sesProxy!.port}`,
  };
  const overrides = { ...process.env, ...options.env };
  functions = running.functions = new FunctionRegistry({
    specs: functionSpecs,
    bundles,
    runtimePath,
    environments: Object.fromEntries(functionSpecs.map((fn) => [fn.logicalId, functionEnvironment(fn, functionResolver, endpoints, overrides)])),
    maxEnvironments: Object.fromEntries(
      mappings.flatMap((mapping) => (mapping.kind === 'sqs' && mapping.maximumConcurrency ? [[mapping.functionLogicalId, mapping.maximumConcurrency]] : [])),
    ),
    log,
  });

  bus = new EventBusEmulator(
    readEventBusTopology(template, resolver, functionSpecs),
    functions,
    sqs,
    queueUrls,
    Object.fromEntries(functionSpecs.map((fn) => [fn.logicalId, fn.arn])),
    log,
  );
  const eventBus = bus;

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
  const sweeper = (running.sweeper = new TtlSweeper(dynamodb, tables, ttlDeletions, log, { client: streams, arns: streamArns }));
  await sweeper.start();
  const schedules = (running.schedules = new Schedules(readSchedules(template, resolver, functionSpecs), functions, log));
  if (options.scheduleTimers ?? true) schedules.start();

  const queueMonitor = new QueueMonitor(broker, queues, queueUrls, mappings);
  const queueDepths = () => queueMonitor.depths();
  const idle = (timeoutMs?: number) =>
    waitUntilIdle(
      {
        busyNow: () => [
          ...functions.busy().map((fn) => `invocation in flight: ${fn}`),
          ...(sweeper.busy ? ['TTL sweep running'] : []),
          ...(schedules.busy ? ['scheduled run in progress'] : []),
          ...eventBus.busy(),
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
    runSchedules: () => schedules.runNow(),
    faults: {
      add: (rule) => faults.add(rule),
      clear: () => faults.clear(),
      pending: () => faults.pending(),
      pause: (service, ms) => {
        if (service !== 'dynamodb') throw new Error(`only dynamodb can be paused, not ${service}`);
        dynamo.pause(ms);
      },
    },
    calls: () => ({ calls: faults.calls(), permissions: faults.permissions() }),
    events: eventBus,
    mail: () => mailbox.list(),
    setMappingsEnabled: (functionName, enabled) => eventSources.setMappingsEnabled(functionName, enabled),
  };
  const gateway = (running.gateway = await startGateway({ port: options.port ?? 3000, api, functions, tokens, control, log }));
  info = {
    apiUrl: gateway.url,
    dynamodbEndpoint: dynamo.endpoint,
    sqsEndpoint: broker.endpoint,
    s3Endpoint: broker.endpoint,
    eventsEndpoint: busAndMail.endpoint,
    sesEndpoint: busAndMail.endpoint,
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
    setMappingsEnabled: (functionName, enabled) => eventSources.setMappingsEnabled(functionName, enabled),
    stop: () => (stopping ??= stopAll(running)),
  };
}

/** Stops what is running, outermost first: no new requests, no new polls, then the functions and services. */
async function stopAll(running: Running): Promise<void> {
  await running.gateway?.stop();
  running.schedules?.stop();
  const eventSourcesStopped = running.eventSources?.stop();
  await running.functions?.stop();
  await eventSourcesStopped;
  await running.bundles?.dispose();
  await Promise.all((running.proxies ?? []).map((proxy) => proxy.stop()));
  await running.busAndMail?.stop();
  await running.sweeper?.stop();
  for (const client of running.clients ?? []) client.destroy();
  await running.broker?.stop();
  await running.dynamo?.stop();
  await running.paths?.cleanup();
}

function hostAndPort(endpoint: string): { host: string; port: number } {
  const url = new URL(endpoint);
  return { host: url.hostname, port: Number(url.port) };
}

/** The same URL on another port: what functions use to reach a service through its proxy. */
function withPort(url: string, port: number): string {
  const parsed = new URL(url);
  parsed.port = String(port);
  return parsed.toString().replace(/\/$/, url.endsWith('/') ? '/' : '');
}
