/**
 * Every variable a function is configured with, declared once: its name, its default, and which
 * functions need it. The stack gives each function exactly its variables (lib/function.ts), the
 * sandbox runs them from the template, lambdas/config.ts reads and checks them at cold start, and
 * test/infra/tunables.test.ts holds this list against the code each function bundles.
 */

/** Functions by construct id (also their POWERTOOLS_SERVICE_NAME). */
export const FUNCTION_IDS = [
  'CatalogApi',
  'MeApi',
  'OrdersApi',
  'AdminApi',
  'MetricsApi',
  'ContractApi',
  'SettleOrder',
  'RelayPlacedOrders',
  'OrderBackstop',
  'ProjectOrders',
  'ProjectMetrics',
  'NotifyCustomer',
] as const;
export type FunctionId = (typeof FUNCTION_IDS)[number];

interface Declared {
  readonly variable: string;
  readonly functions: readonly FunctionId[];
}

/** A number with a default; the stack sets it, a deployer may change it there. */
export interface NumberTunable extends Declared {
  readonly default: number;
  readonly min: number;
  readonly max?: number;
  readonly integer: boolean;
}

/** One of a few words, with a default. */
export interface ChoiceTunable extends Declared {
  readonly default: string;
  readonly choices: readonly string[];
}

/** On or off ('true' / 'false' in the environment). */
export interface FlagTunable extends Declared {
  readonly default: boolean;
  readonly flag: true;
}

/** The name of a resource of the stack; set together with the grant on that resource (no default). */
export interface Binding extends Declared {
  readonly binding: true;
}

export type Variable = NumberTunable | ChoiceTunable | FlagTunable | Binding;

const TABLE_USERS: readonly FunctionId[] = FUNCTION_IDS.filter((id) => id !== 'RelayPlacedOrders' && id !== 'ContractApi');

export const tunables = {
  tableName: { variable: 'TABLE_NAME', binding: true, functions: TABLE_USERS },
  orderQueueUrl: { variable: 'ORDER_QUEUE_URL', binding: true, functions: ['RelayPlacedOrders', 'OrderBackstop'] },
  archiveBucket: { variable: 'ARCHIVE_BUCKET', binding: true, functions: ['ProjectMetrics'] },
  /** The bus every order event is published to (decision 0009). */
  eventBusName: { variable: 'EVENT_BUS_NAME', binding: true, functions: ['RelayPlacedOrders'] },
  /** Who order emails come from (`-c notificationSender=…`), and the SES configuration set they go out under. */
  notificationSender: { variable: 'NOTIFICATION_SENDER', binding: true, functions: ['NotifyCustomer'] },
  sesConfigurationSet: { variable: 'SES_CONFIGURATION_SET', binding: true, functions: ['NotifyCustomer'] },
  /** Shards of the orders-by-day index (AP12). Size it as ceil(peak orders/s ÷ 500): see docs/data-model.md. Fixed for the table's life. */
  orderShardCount: {
    variable: 'ORDER_SHARD_COUNT',
    default: 8,
    min: 1,
    max: 1000,
    integer: true,
    functions: ['OrdersApi', 'AdminApi', 'SettleOrder', 'OrderBackstop'],
  },
  /**
   * Items each warehouse's stock of a product is split over (decision 0013), so that concurrent
   * settlements of one hot product decrement different items. Size it as ceil(concurrent
   * settlements of one product ÷ acceptable conflict rate): see docs/data-model.md. Only PUT
   * inventory writes buckets; settlement takes from whatever buckets it finds, so it may change.
   */
  stockBucketCount: {
    variable: 'STOCK_BUCKET_COUNT',
    default: 16,
    min: 1,
    // One PUT inventory transaction writes every bucket and deletes any left over: at most 100 items.
    max: 99,
    integer: true,
    functions: ['CatalogApi'],
  },
  paymentProvider: { variable: 'PAYMENT_PROVIDER', default: 'simulated', choices: ['simulated'], functions: ['SettleOrder'] },
  /** Idempotency records of POST /orders live this long. */
  idempotencyTtlSeconds: { variable: 'IDEMPOTENCY_TTL_SECONDS', default: 24 * 60 * 60, min: 60, integer: true, functions: ['OrdersApi'] },
  /**
   * Settlements one worker (SettleOrder instance) starts per second at most: the table's write budget
   * for settlement over the workers. lib/settings.ts derives it from the table's capacity (docs/data-model.md,
   * "Settlement concurrency"); test/infra/order-pipeline.test.ts holds this default to the rule.
   */
  settlementRatePerWorker: { variable: 'SETTLEMENT_RATE_PER_WORKER', default: 22, min: 0.1, integer: false, functions: ['SettleOrder'] },
  /** Receives before a settlement message is dead-lettered; the last one rejects the order SETTLEMENT_FAILED. */
  settlementMaxReceiveCount: { variable: 'SETTLEMENT_MAX_RECEIVE_COUNT', default: 5, min: 1, integer: true, functions: ['SettleOrder'] },
  /** An order PENDING longer than this is stuck: the backstop re-drives it and the oldest-pending alarm fires. */
  pendingOrderTimeoutSeconds: { variable: 'PENDING_ORDER_TIMEOUT_SECONDS', default: 300, min: 1, integer: true, functions: ['OrderBackstop'] },
  /** Re-drives of a stuck order before the backstop rejects it SETTLEMENT_FAILED. */
  pendingOrderMaxRedrives: { variable: 'PENDING_ORDER_MAX_REDRIVES', default: 3, min: 0, integer: true, functions: ['OrderBackstop'] },
  /** A cart expires this long after its last change. */
  cartTtlSeconds: { variable: 'CART_TTL_SECONDS', default: 7 * 24 * 60 * 60, min: 1, integer: true, functions: ['MeApi'] },
  /** Raw metric events (and their rollups) expire after this; expired events are archived to S3. */
  metricsTtlSeconds: { variable: 'METRICS_TTL_SECONDS', default: 90 * 24 * 60 * 60, min: 1, integer: true, functions: ['MetricsApi', 'ProjectMetrics'] },
  /** Random-suffix shards of a metric's hour partition (AP14): ceil(peak events/s of one metric ÷ 500). */
  metricShardCount: {
    variable: 'METRIC_SHARD_COUNT',
    default: 8,
    min: 1,
    max: 1000,
    integer: true,
    functions: ['MetricsApi', 'AdminApi', 'ProjectMetrics'],
  },
  /** Per-instance L1 cache of product reads: entries and freshness. */
  productCacheSize: { variable: 'PRODUCT_CACHE_SIZE', default: 1000, min: 0, integer: true, functions: ['CatalogApi'] },
  productCacheTtlSeconds: { variable: 'PRODUCT_CACHE_TTL_SECONDS', default: 60, min: 0, integer: false, functions: ['CatalogApi'] },
  /** Best sellers kept in the top-products read model (and warmed into each function's cache). */
  topProductsSize: { variable: 'TOP_PRODUCTS_SIZE', default: 20, min: 1, max: 100, integer: true, functions: ['CatalogApi', 'ProjectOrders'] },
  /** A customer's notification record (exactly one email per outcome) lives this long: beyond any replay of the archive. */
  notificationTtlSeconds: { variable: 'NOTIFICATION_TTL_SECONDS', default: 35 * 24 * 60 * 60, min: 60, integer: true, functions: ['NotifyCustomer'] },
  /** S3 emulators (the sandbox) serve buckets by path, not by virtual host; the SDK has no variable for it. */
  s3ForcePathStyle: { variable: 'AWS_S3_FORCE_PATH_STYLE', default: false, flag: true, functions: ['ProjectMetrics'] },
} as const satisfies Record<string, Variable>;

export type TunableName = keyof typeof tunables;

export const isBinding = (declared: Variable): declared is Binding => 'binding' in declared;

/** The variables of one function that the stack sets from their defaults (bindings come with their grants). */
export function defaultsFor(functionId: string): Record<string, string> {
  const entries = Object.values(tunables as Record<string, Variable>)
    .filter((declared) => (declared.functions as readonly string[]).includes(functionId) && !isBinding(declared))
    .map((declared) => [declared.variable, String((declared as Exclude<Variable, Binding>).default)]);
  return Object.fromEntries(entries);
}

/** Every variable one function must be given. */
export function variablesOf(functionId: string): string[] {
  return Object.values(tunables as Record<string, Variable>)
    .filter((declared) => (declared.functions as readonly string[]).includes(functionId))
    .map((declared) => declared.variable)
    .sort();
}
