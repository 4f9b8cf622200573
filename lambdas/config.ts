import { z } from 'zod';

/**
 * Configuration has one source: environment variables set by the stack (lib/commerce-stack.ts),
 * or by the sandbox from the synthesized template. Read and validated once, at cold start.
 */
const schema = z.object({
  TABLE_NAME: z.string().min(1),
  ORDER_SHARD_COUNT: z.coerce.number().int().min(1).max(1000).default(8),
  ORDER_QUEUE_URL: z.string().optional(),
  PAYMENT_PROVIDER: z.enum(['simulated']).default('simulated'),
  IDEMPOTENCY_TTL_SECONDS: z.coerce.number().int().min(60).default(86_400),
  SETTLEMENT_MAX_RECEIVE_COUNT: z.coerce.number().int().min(1).default(5),
  PENDING_ORDER_TIMEOUT_SECONDS: z.coerce.number().int().min(1).default(300),
  PENDING_ORDER_MAX_REDRIVES: z.coerce.number().int().min(0).default(3),
  CART_TTL_SECONDS: z.coerce.number().int().min(1).default(7 * 86_400),
  METRICS_TTL_SECONDS: z.coerce.number().int().min(1).default(90 * 86_400),
  METRIC_SHARD_COUNT: z.coerce.number().int().min(1).max(1000).default(8),
  PRODUCT_CACHE_SIZE: z.coerce.number().int().min(0).default(1000),
  PRODUCT_CACHE_TTL_SECONDS: z.coerce.number().min(0).default(60),
  TOP_PRODUCTS_SIZE: z.coerce.number().int().min(1).max(100).default(20),
  ARCHIVE_BUCKET: z.string().optional(),
  EVENT_BUS_NAME: z.string().optional(),
  NOTIFICATION_SENDER: z.string().optional(),
  SES_CONFIGURATION_SET: z.string().optional(),
  NOTIFICATION_TTL_SECONDS: z.coerce.number().int().min(60).default(35 * 86_400),
  /** S3 emulators (the sandbox) serve buckets by path, not by virtual host; the SDK has no variable for it. */
  AWS_S3_FORCE_PATH_STYLE: z.enum(['true', 'false']).default('false'),
});

function load() {
  const parsed = schema.safeParse(process.env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new Error(`Invalid function configuration: ${problems}`);
  }
  const env = parsed.data;
  return {
    tableName: env.TABLE_NAME,
    orderShardCount: env.ORDER_SHARD_COUNT,
    orderQueueUrl: env.ORDER_QUEUE_URL,
    paymentProvider: env.PAYMENT_PROVIDER,
    idempotencyTtlSeconds: env.IDEMPOTENCY_TTL_SECONDS,
    settlementMaxReceiveCount: env.SETTLEMENT_MAX_RECEIVE_COUNT,
    pendingOrderTimeoutSeconds: env.PENDING_ORDER_TIMEOUT_SECONDS,
    pendingOrderMaxRedrives: env.PENDING_ORDER_MAX_REDRIVES,
    cartTtlSeconds: env.CART_TTL_SECONDS,
    metricsTtlSeconds: env.METRICS_TTL_SECONDS,
    metricShardCount: env.METRIC_SHARD_COUNT,
    productCacheSize: env.PRODUCT_CACHE_SIZE,
    productCacheTtlSeconds: env.PRODUCT_CACHE_TTL_SECONDS,
    topProductsSize: env.TOP_PRODUCTS_SIZE,
    archiveBucket: env.ARCHIVE_BUCKET,
    eventBusName: env.EVENT_BUS_NAME,
    notificationSender: env.NOTIFICATION_SENDER,
    sesConfigurationSet: env.SES_CONFIGURATION_SET,
    notificationTtlSeconds: env.NOTIFICATION_TTL_SECONDS,
    s3ForcePathStyle: env.AWS_S3_FORCE_PATH_STYLE === 'true',
  };
}

export type Config = ReturnType<typeof load>;
export const config: Config = load();
