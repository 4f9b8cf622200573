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
  };
}

export type Config = ReturnType<typeof load>;
export const config: Config = load();
