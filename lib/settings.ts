import { tunables } from '../lambdas/tunables.ts';

type WithDefault = { [K in keyof typeof tunables]: (typeof tunables)[K] extends { default: unknown } ? K : never }[keyof typeof tunables];
const defaults = <K extends WithDefault>(name: K): (typeof tunables)[K]['default'] => tunables[name].default;

/**
 * Settings of the deployed system. The functions' own tunables are declared once, in
 * lambdas/tunables.ts (the stack gives each function exactly its own); the infrastructure reads
 * the same declarations where a resource must agree with a function (the DLQ's receive count,
 * the oldest-pending alarm).
 */
export const settings = {
  orderShardCount: defaults('orderShardCount'),
  settlementMaxReceiveCount: defaults('settlementMaxReceiveCount'),
  /** Worker Lambdas polling the order queue at most at once: caps write pressure on hot inventory items. */
  settlementMaxConcurrency: 5,
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
} as const;

/** The project root: function entries and the lock file are resolved from it. */
export const projectRoot = new URL('..', import.meta.url).pathname.replace(/\/$/, '');
