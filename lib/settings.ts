import { tunables } from '../lambdas/tunables.ts';

type WithDefault = { [K in keyof typeof tunables]: (typeof tunables)[K] extends { default: unknown } ? K : never }[keyof typeof tunables];
const defaults = <K extends WithDefault>(name: K): (typeof tunables)[K]['default'] => tunables[name].default;

/**
 * Settlement's sizing rule (docs/data-model.md, "Settlement concurrency"): from the table's write
 * capacity, how many workers settle at once, how many records each takes at a time, and how many
 * settlements each may start per second.
 */
export interface SettlementCapacity {
  /** WCU/s the table writes without throttling: a provisioned table's WCU; an on-demand table's 4,000 WRU/s when new. */
  readonly tableWriteUnitsPerSecond: number;
  /** The share of it settlement may use; placement and the projections write the rest. */
  readonly settlementShare: number;
  /** WCU of one settlement's transaction: 2 per item of ≤ 1 KB (order, payment, events, a stock item per line, the promotion). */
  readonly writeUnitsPerSettlement: number;
  /** The shortest time a settlement transaction takes: how often a hot product's partition can be written by one worker. */
  readonly transactionSeconds: number;
  /** Settlements to keep in flight so the rate is reached where settlements are slowest (rate × their duration). */
  readonly inFlight: number;
}

export interface SettlementSizing {
  /** Settlements per second the table's budget allows, all workers together. */
  readonly ratePerSecond: number;
  readonly workers: number;
  readonly batchSize: number;
  readonly ratePerWorker: number;
}

/** A partition absorbs 1,000 WCU/s; like the shard rule, keep a hot one at half of it. */
const PARTITION_BUDGET_WCU = 500;
/** A stock decrement is a transactional write: 2 WCU. */
const STOCK_WRITE_WCU = 2;

export function settlementSizing(capacity: SettlementCapacity): SettlementSizing {
  const ratePerSecond = (capacity.tableWriteUnitsPerSecond * capacity.settlementShare) / capacity.writeUnitsPerSettlement;
  // Records of one product take turns within a batch: at most one settlement per worker writes a product's partition.
  const workers = Math.max(2, Math.floor((PARTITION_BUDGET_WCU * capacity.transactionSeconds) / STOCK_WRITE_WCU));
  const batchSize = Math.min(10, Math.max(1, Math.ceil(capacity.inFlight / workers)));
  return { ratePerSecond, workers, batchSize, ratePerWorker: Math.floor(ratePerSecond / workers) };
}

/**
 * The defaults: a new on-demand table (4,000 WRU/s), half of it for settlement, a 3-line order with
 * a promotion (9 items, 18 WCU), 20 ms transactions, and 50 settlements in flight: Lambda needs ~6
 * at ~50 ms a settlement, the sandbox's DynamoDB Local ~0.3 s a settlement and a batch waits for
 * its slowest record, so 20 still left a backlog there (docs/performance.md).
 */
export const settlementCapacity: SettlementCapacity = {
  tableWriteUnitsPerSecond: 4000,
  settlementShare: 0.5,
  writeUnitsPerSettlement: 18,
  transactionSeconds: 0.02,
  inFlight: 50,
};
const settlement = settlementSizing(settlementCapacity);

/**
 * Settings of the deployed system. The functions' own tunables are declared once, in
 * lambdas/tunables.ts (the stack gives each function exactly its own); the infrastructure reads
 * the same declarations where a resource must agree with a function (the DLQ's receive count,
 * the oldest-pending alarm).
 */
export const settings = {
  orderShardCount: defaults('orderShardCount'),
  settlementMaxReceiveCount: defaults('settlementMaxReceiveCount'),
  /** Worker Lambdas polling the order queue at most at once (MaximumConcurrency): caps write pressure on hot inventory items. */
  settlementMaxConcurrency: settlement.workers,
  /** Records one worker receives and settles at once (BatchSize). */
  settlementBatchSize: settlement.batchSize,
  /** Settlements one worker starts per second at most (SETTLEMENT_RATE_PER_WORKER). */
  settlementRatePerWorker: defaults('settlementRatePerWorker'),
  /** Per-call budget of the settlement worker; the queue's visibility timeout is 6× this. */
  settlementTimeoutSeconds: 30,
  pendingOrderTimeoutSeconds: defaults('pendingOrderTimeoutSeconds'),
  pendingOrderMaxRedrives: defaults('pendingOrderMaxRedrives'),
  /** How often the backstop looks for stuck orders. */
  backstopIntervalMinutes: 1,
  /** API stage throttling (requests/s and burst) protecting the table from a client flood. */
  apiRateLimit: 500,
  apiBurstLimit: 1000,
  topProductsSize: defaults('topProductsSize'),
  /** The order event archive keeps events this long for replay. */
  orderEventArchiveDays: 30,
  notificationTtlSeconds: defaults('notificationTtlSeconds'),
} as const;

/** The project root: function entries and the lock file are resolved from it. */
export const projectRoot = new URL('..', import.meta.url).pathname.replace(/\/$/, '');
