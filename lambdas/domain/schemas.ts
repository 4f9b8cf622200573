import * as z from 'zod/mini';
import { jsonNodes } from './json-nodes.ts';
import { ORDER_STATUSES } from './order-rules.ts';

/**
 * Request validation (SPEC §4). Bodies are strict: an unknown field is a client mistake, not data.
 * zod/mini, zod's functional API: a bundle carries only the checks it uses (decision 0015).
 */

// zod/mini sets no locale (every message would read "Invalid input"); the English of zod itself.
z.config(z.locales.en());

export const idSchema = z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/, 'must match ^[A-Za-z0-9_-]{1,64}$'));

export const pageQuerySchema = z.object({
  limit: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(100)), 20),
  cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(2048))),
});

const quantity = z.number().check(z.int(), z.minimum(1), z.maximum(99));

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
const freeFormObject = z.record(z.string(), z.unknown()).check(
  z.superRefine((value, context) => {
    const problem = freeFormProblem(value);
    if (problem) context.addIssue({ code: 'custom', path: problem.path, message: problem.message });
  }),
);

/** Card data never reaches the platform: clients send a provider token of this shape. */
export const paymentTokenSchema = z.string().check(z.regex(/^[A-Za-z0-9_-]{3,128}$/, 'must match ^[A-Za-z0-9_-]{3,128}$'));

export const putProductSchema = z.strictObject({
  name: z.string().check(z.trim(), z.minLength(1), z.maxLength(200)),
  description: z.optional(z.string().check(z.maxLength(4000))),
  priceCents: z.number().check(z.int(), z.minimum(0), z.maximum(100_000_000_00)),
  currency: z.optional(z.string().check(z.regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as USD'))),
  categories: z.optional(
    z.array(idSchema).check(
      z.maxLength(10),
      z.refine((list) => new Set(list).size === list.length, 'categories must be distinct'),
    ),
  ),
  attributes: z.optional(freeFormObject),
});

export const putInventorySchema = z.strictObject({
  available: z.number().check(z.int(), z.minimum(0), z.maximum(1_000_000_000)),
});

const personName = z.string().check(z.trim(), z.minLength(1), z.maxLength(200));

/** `name` is the schema-1 form, still accepted; `givenName`/`familyName` are its parts. */
export const putMeSchema = z
  .strictObject({
    email: z.email().check(z.maxLength(254)),
    name: z.optional(personName),
    givenName: z.optional(personName),
    familyName: z.optional(personName),
    phone: z.optional(z.string().check(z.regex(/^\+?[0-9 ()-]{3,32}$/, 'must be a phone number'))),
    preferences: z.optional(freeFormObject),
  })
  .check(
    z.refine((body) => body.name === undefined || (body.givenName === undefined && body.familyName === undefined), {
      path: ['name'],
      message: 'send either name or givenName/familyName, not both',
    }),
  );

/** Either the lines themselves, or `fromCart: true` to order the caller's unexpired cart. */
export const placeOrderSchema = z
  .strictObject({
    items: z.optional(
      z.array(z.strictObject({ productId: idSchema, quantity })).check(
        z.minLength(1),
        z.maxLength(50),
        z.refine((lines) => new Set(lines.map((line) => line.productId)).size === lines.length, 'productIds must be distinct'),
      ),
    ),
    fromCart: z.optional(z.literal(true)),
    promotionCode: z.optional(idSchema),
    paymentToken: paymentTokenSchema,
  })
  .check(
    z.refine((body) => (body.items === undefined) !== (body.fromCart === undefined), {
      path: ['items'],
      message: 'send either items or fromCart: true',
    }),
  );

export const putCartItemSchema = z.strictObject({
  quantity: z.number().check(z.int(), z.minimum(0), z.maximum(99)),
});

/** A promotion gives either a percentage or an amount off; absent terms mean no expiry and no cap. */
export const putPromotionSchema = z
  .strictObject({
    percentOff: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(100))),
    amountOffCents: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(100_000_000_00))),
    validUntil: z.optional(z.iso.datetime({ offset: true })),
    maxRedemptions: z.optional(z.number().check(z.int(), z.minimum(0), z.maximum(1_000_000_000))),
  })
  .check(
    z.refine((body) => (body.percentOff === undefined) !== (body.amountOffCents === undefined), {
      path: ['percentOff'],
      message: 'send exactly one of percentOff and amountOffCents',
    }),
  );

export const idempotencyKeySchema = z
  .string({ error: 'the Idempotency-Key header is required' })
  .check(z.regex(/^[\x21-\x7e]{8,128}$/, 'must be 8 to 128 visible ASCII characters'));

export const adminOrdersQuerySchema = z.extend(pageQuerySchema, {
  date: z.iso.date(),
  status: z.optional(z.enum(ORDER_STATUSES)),
});

/**
 * DynamoDB numbers are decimals of at most 38 significant digits, and rollups ADD values up. With
 * at most 15 integer digits and 6 decimals (as JavaScript prints the number), every sum stays
 * exact and in range; a value like 1e-200 would otherwise poison the rollup of its hour.
 */
const metricValue = z.number().check(z.refine((value) => /^-?\d{1,15}(\.\d{1,6})?$/.test(String(value)), 'must have at most 15 integer digits and 6 decimals'));

const MAX_EVENTS_PER_REQUEST = 500;

export const postEventsSchema = z.strictObject({
  events: z
    .array(
      z.strictObject({
        name: idSchema,
        value: z._default(metricValue, 1),
        at: z.optional(z.iso.datetime({ offset: true })),
        productId: z.optional(idSchema),
      }),
    )
    .check(z.minLength(1), z.maxLength(MAX_EVENTS_PER_REQUEST)),
});

export const metricRollupsQuerySchema = z.object({
  from: z.optional(z.iso.datetime({ offset: true })),
  to: z.optional(z.iso.datetime({ offset: true })),
});
