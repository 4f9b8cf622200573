/**
 * Tunables of the deployed system. The stack turns these into function environment variables,
 * which is the only way the code learns them (see lambdas/config.ts).
 */
export const settings = {
  /** Shards of the orders-by-day index (AP12). Size it as ceil(peak orders/s ÷ 500): see docs/data-model.md. */
  orderShardCount: 8,
  /** Receives before a settlement message is dead-lettered. */
  settlementMaxReceiveCount: 5,
  /** Worker Lambdas polling the order queue at most at once: caps write pressure on hot inventory items. */
  settlementMaxConcurrency: 5,
  /** Per-call budget of the settlement worker; the queue's visibility timeout is 6× this. */
  settlementTimeoutSeconds: 30,
  /** An order PENDING longer than this is stuck: the backstop re-drives it and the oldest-pending alarm fires. */
  pendingOrderTimeoutSeconds: 300,
  /** Re-drives of a stuck order before the backstop rejects it SETTLEMENT_FAILED. */
  pendingOrderMaxRedrives: 3,
  /** How often the backstop looks for stuck orders. */
  backstopIntervalMinutes: 1,
  /** API stage throttling (requests/s and burst) protecting the table from a client flood. */
  apiRateLimit: 500,
  apiBurstLimit: 1000,
  /** Idempotency records of POST /orders live this long. */
  idempotencyTtlSeconds: 24 * 60 * 60,
  /** A cart expires this long after its last change. */
  cartTtlSeconds: 7 * 24 * 60 * 60,
  /** Raw metric events (and their rollups) expire after this; expired events are archived to S3. */
  metricsTtlSeconds: 90 * 24 * 60 * 60,
  /** Random-suffix shards of a metric's hour partition (AP14): ceil(peak events/s of one metric ÷ 500). */
  metricShardCount: 8,
  /** Per-instance L1 cache of product reads: entries and freshness. */
  productCacheSize: 1000,
  productCacheTtlSeconds: 60,
  /** Best sellers kept in the top-products read model (and warmed into each function's cache). */
  topProductsSize: 20,
  /** The order event archive keeps events this long for replay. */
  orderEventArchiveDays: 30,
  /** A customer's notification record (exactly one email per outcome) lives this long: beyond any replay of the archive. */
  notificationTtlSeconds: 35 * 24 * 60 * 60,
} as const;

/** The project root: function entries and the lock file are resolved from it. */
export const projectRoot = new URL('..', import.meta.url).pathname.replace(/\/$/, '');
