import { z } from 'zod';
import { ORDER_STATUSES } from './orders.ts';

/** Request validation (SPEC §4). Bodies are strict: an unknown field is a client mistake, not data. */

export const idSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must match ^[A-Za-z0-9_-]{1,64}$');

export const pageQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().min(1).max(2048).optional(),
});

const quantity = z.number().int().min(1).max(99);

export const putProductSchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  description: z.string().max(4000).optional(),
  priceCents: z.number().int().min(0).max(100_000_000_00),
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as USD').optional(),
  categories: z
    .array(idSchema)
    .max(10)
    .refine((list) => new Set(list).size === list.length, 'categories must be distinct')
    .optional(),
  attributes: z.record(z.string(), z.unknown()).optional(),
});

export const putInventorySchema = z.strictObject({
  available: z.number().int().min(0).max(1_000_000_000),
});

export const putMeSchema = z.strictObject({
  email: z.email().max(254),
  name: z.string().trim().min(1).max(200).optional(),
  phone: z.string().regex(/^\+?[0-9 ()-]{3,32}$/, 'must be a phone number').optional(),
  preferences: z.record(z.string(), z.unknown()).optional(),
});

export const placeOrderSchema = z.strictObject({
  items: z
    .array(z.strictObject({ productId: idSchema, quantity }))
    .min(1)
    .max(50)
    .refine((lines) => new Set(lines.map((line) => line.productId)).size === lines.length, 'productIds must be distinct'),
  promotionCode: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).optional(),
  paymentToken: z.string().min(1).max(256),
});
export type PlaceOrderRequest = z.infer<typeof placeOrderSchema>;

export const idempotencyKeySchema = z
  .string({ error: 'the Idempotency-Key header is required' })
  .regex(/^[\x21-\x7e]{8,128}$/, 'must be 8 to 128 visible ASCII characters');

export const adminOrdersQuerySchema = pageQuerySchema.extend({
  date: z.iso.date(),
  status: z.enum(ORDER_STATUSES).optional(),
});
