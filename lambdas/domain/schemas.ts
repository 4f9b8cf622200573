import { z } from 'zod';
import { jsonNodes } from './json-nodes.ts';
import { ORDER_STATUSES } from './order-rules.ts';

/** Request validation (SPEC §4). Bodies are strict: an unknown field is a client mistake, not data. */

export const idSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must match ^[A-Za-z0-9_-]{1,64}$');

export const pageQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().min(1).max(2048).optional(),
});

const quantity = z.number().int().min(1).max(99);

/** SPEC §2 limits of client-defined objects, well inside DynamoDB's (32 levels, 400 KB items). */
export const FREE_FORM_LIMITS = { maxDepth: 8, maxKeyLength: 64, maxBytes: 16 * 1024 } as const;

/** The first way `value` breaks the free-form limits (nesting counts objects and arrays), if any. */
export function freeFormProblem(value: unknown): { path: string[]; message: string } | undefined {
  for (const node of jsonNodes(value)) {
    if (node.key !== undefined && (node.key.length < 1 || node.key.length > FREE_FORM_LIMITS.maxKeyLength)) {
      return { path: [...node.path], message: `keys must be 1 to ${FREE_FORM_LIMITS.maxKeyLength} characters` };
    }
    // The root object is level 1.
    if (node.value !== null && typeof node.value === 'object' && node.path.length + 1 > FREE_FORM_LIMITS.maxDepth) {
      return { path: [...node.path], message: `nests deeper than ${FREE_FORM_LIMITS.maxDepth} levels` };
    }
  }
  if (Buffer.byteLength(JSON.stringify(value), 'utf8') > FREE_FORM_LIMITS.maxBytes) {
    return { path: [], message: `must be at most ${FREE_FORM_LIMITS.maxBytes} bytes as JSON` };
  }
  return undefined;
}

/** `profile.preferences`, product `attributes`: any JSON object within the free-form limits. */
const freeFormObject = z.record(z.string(), z.unknown()).superRefine((value, context) => {
  const problem = freeFormProblem(value);
  if (problem) context.addIssue({ code: 'custom', path: problem.path, message: problem.message });
});

/** Card data never reaches the platform: clients send a provider token of this shape. */
export const paymentTokenSchema = z.string().regex(/^[A-Za-z0-9_-]{3,128}$/, 'must match ^[A-Za-z0-9_-]{3,128}$');

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
  attributes: freeFormObject.optional(),
});

export const putInventorySchema = z.strictObject({
  available: z.number().int().min(0).max(1_000_000_000),
});

const personName = z.string().trim().min(1).max(200);

/** `name` is the schema-1 form, still accepted; `givenName`/`familyName` are its parts. */
export const putMeSchema = z
  .strictObject({
    email: z.email().max(254),
    name: personName.optional(),
    givenName: personName.optional(),
    familyName: personName.optional(),
    phone: z.string().regex(/^\+?[0-9 ()-]{3,32}$/, 'must be a phone number').optional(),
    preferences: freeFormObject.optional(),
  })
  .refine((body) => body.name === undefined || (body.givenName === undefined && body.familyName === undefined), {
    path: ['name'],
    message: 'send either name or givenName/familyName, not both',
  });

/** Either the lines themselves, or `fromCart: true` to order the caller's unexpired cart. */
export const placeOrderSchema = z
  .strictObject({
    items: z
      .array(z.strictObject({ productId: idSchema, quantity }))
      .min(1)
      .max(50)
      .refine((lines) => new Set(lines.map((line) => line.productId)).size === lines.length, 'productIds must be distinct')
      .optional(),
    fromCart: z.literal(true).optional(),
    promotionCode: idSchema.optional(),
    paymentToken: paymentTokenSchema,
  })
  .refine((body) => (body.items === undefined) !== (body.fromCart === undefined), {
    path: ['items'],
    message: 'send either items or fromCart: true',
  });

export const putCartItemSchema = z.strictObject({
  quantity: z.number().int().min(0).max(99),
});

/** A promotion gives either a percentage or an amount off; absent terms mean no expiry and no cap. */
export const putPromotionSchema = z
  .strictObject({
    percentOff: z.number().int().min(1).max(100).optional(),
    amountOffCents: z.number().int().min(1).max(100_000_000_00).optional(),
    validUntil: z.iso.datetime({ offset: true }).optional(),
    maxRedemptions: z.number().int().min(0).max(1_000_000_000).optional(),
  })
  .refine((body) => (body.percentOff === undefined) !== (body.amountOffCents === undefined), {
    path: ['percentOff'],
    message: 'send exactly one of percentOff and amountOffCents',
  });

export const idempotencyKeySchema = z
  .string({ error: 'the Idempotency-Key header is required' })
  .regex(/^[\x21-\x7e]{8,128}$/, 'must be 8 to 128 visible ASCII characters');

export const adminOrdersQuerySchema = pageQuerySchema.extend({
  date: z.iso.date(),
  status: z.enum(ORDER_STATUSES).optional(),
});

/**
 * DynamoDB numbers are decimals of at most 38 significant digits, and rollups ADD values up. With
 * at most 15 integer digits and 6 decimals (as JavaScript prints the number), every sum stays
 * exact and in range; a value like 1e-200 would otherwise poison the rollup of its hour.
 */
const metricValue = z.number().refine((value) => /^-?\d{1,15}(\.\d{1,6})?$/.test(String(value)), 'must have at most 15 integer digits and 6 decimals');

const MAX_EVENTS_PER_REQUEST = 500;

export const postEventsSchema = z.strictObject({
  events: z
    .array(
      z.strictObject({
        name: idSchema,
        value: metricValue.default(1),
        at: z.iso.datetime({ offset: true }).optional(),
        productId: idSchema.optional(),
      }),
    )
    .min(1)
    .max(MAX_EVENTS_PER_REQUEST),
});

export const metricRollupsQuerySchema = z.object({
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
});
