import { z } from 'zod';

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
