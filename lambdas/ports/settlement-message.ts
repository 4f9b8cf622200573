import * as z from 'zod/mini';

// zod/mini sets no locale; the English of zod itself (the issues are only logged, never sent).
z.config(z.locales.en());

const line = { productId: z.string().check(z.minLength(1)), quantity: z.number().check(z.int(), z.positive()) };

/**
 * What settlement needs of a PENDING order, copied by the outbox relay from the order's INSERT on
 * the stream — the order as placement recorded it, which nothing changes while it is PENDING but
 * the backstop's counters. It saves the worker the consistent read of the order; the settling
 * transaction's `status = PENDING` condition still decides whether the order settles.
 */
export const pendingOrderCopySchema = z.object({
  userId: z.string().check(z.minLength(1)),
  items: z.array(z.object(line)).check(z.minLength(1)),
  promotionCode: z.optional(z.string().check(z.minLength(1))),
  paymentToken: z.string().check(z.minLength(1)),
  cartLines: z.optional(z.array(z.object({ ...line, addedAt: z.string().check(z.minLength(1)) }))),
  eventSeq: z.number().check(z.int(), z.nonnegative()),
  createdAt: z.string().check(z.minLength(1)),
});
export type PendingOrderCopy = z.infer<typeof pendingOrderCopySchema>;

/**
 * The message that asks the worker to settle an order: its id, and (from the relay) a copy of the
 * PENDING order. Without the copy — the backstop's messages, those queued before the relay sent
 * one, or a copy that does not parse — the worker reads the order, since the order item holds
 * everything settlement needs (decision 0004). Messages queued before that decision carried the
 * payment token instead; it is still accepted for them.
 */
export const settlementMessageSchema = z.object({
  orderId: z.string().check(z.minLength(1)),
  paymentToken: z.optional(z.string().check(z.minLength(1))),
  // A copy that does not parse is dropped, never the message: the worker reads the order instead.
  order: z.catch(z.optional(pendingOrderCopySchema), undefined),
});
export type SettlementMessage = z.infer<typeof settlementMessageSchema>;
