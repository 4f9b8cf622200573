// The namespace import lets esbuild drop the parts of zod the schemas never use (decision 0010).
import * as z from 'zod';

/**
 * The message that asks the worker to settle an order: just its id, since the order item holds
 * everything settlement needs (decision 0004). Messages queued before that change also carried the
 * payment token; it is still accepted for them.
 */
export const settlementMessageSchema = z.object({
  orderId: z.string().min(1),
  paymentToken: z.string().min(1).optional(),
});
export type SettlementMessage = z.infer<typeof settlementMessageSchema>;
