import { z } from 'zod';
import type * as core from 'zod/v4/core';
import { ORDER_STATUSES } from '../../lambdas/domain/order-rules.ts';
import { idSchema } from '../../lambdas/domain/schemas.ts';
import { USER_STATUSES } from '../../lambdas/domain/user-profile.ts';

/**
 * The bodies the API answers with (SPEC §4), as the handlers build them. Objects are strict: a
 * field a handler starts sending is a change of the contract, made here first, or the integration
 * tests (which check every response against contracts/openapi.json) fail. `id` names a component.
 */

/**
 * What zod's `.meta(data)` does, for any zod schema: the request schemas are zod/mini's
 * (lambdas/domain/schemas.ts), which have no `.meta`. A copy of the schema, with `data` registered.
 */
export function withMeta<T extends core.$ZodType>(schema: T, data: core.GlobalMeta): T {
  const copy = z.core.clone(schema);
  z.globalRegistry.add(copy, data);
  return copy;
}

const id = withMeta(idSchema, { id: 'Id' });
const timestamp = z.iso.datetime().meta({ id: 'Timestamp', description: 'ISO-8601 instant in UTC' });
const cents = z.number().int().meta({ description: 'integer minor units of the currency' });
const cursor = z.string().nullable().meta({ description: 'pass as `cursor` for the next page; null on the last page' });
const freeForm = z.record(z.string(), z.unknown());

const page = <T extends core.$ZodType>(item: T, id: string) => z.strictObject({ items: z.array(item), nextCursor: cursor }).meta({ id });

export const healthSchema = z.strictObject({ status: z.literal('ok') }).meta({ id: 'Health' });

export const productSchema = z
  .strictObject({
    productId: id,
    name: z.string(),
    description: z.string(),
    priceCents: cents,
    currency: z.string().regex(/^[A-Z]{3}$/),
    categories: z.array(id),
    attributes: freeForm,
  })
  .meta({ id: 'Product' });

export const productPageSchema = page(productSchema, 'ProductPage');

export const inventorySchema = z
  .strictObject({ productId: id, warehouseId: id, available: z.number().int().min(0) })
  .meta({ id: 'WarehouseInventory' });

export const stockSchema = z
  .strictObject({
    productId: id,
    total: z.number().int().min(0),
    warehouses: z.array(z.strictObject({ warehouseId: id, available: z.number().int().min(0) })),
  })
  .meta({ id: 'ProductStock' });

const orderStatus = z.enum(ORDER_STATUSES).meta({ id: 'OrderStatus' });

export const orderSummarySchema = z
  .strictObject({ orderId: id, status: orderStatus, totalCents: cents, createdAt: timestamp })
  .meta({ id: 'OrderSummary' });

export const orderSummaryPageSchema = page(orderSummarySchema, 'OrderSummaryPage');

export const adminOrderSummaryPageSchema = page(
  z.strictObject({ orderId: id, userId: z.string(), status: orderStatus, totalCents: cents, createdAt: timestamp }).meta({ id: 'AdminOrderSummary' }),
  'AdminOrderSummaryPage',
);

/** Both forms of the name: the parts, and the joined `name` that schema-1 clients read. */
const profile = z
  .strictObject({
    name: z.string().optional(),
    givenName: z.string().optional(),
    familyName: z.string().optional(),
    phone: z.string().optional(),
    preferences: freeForm.optional(),
  })
  .meta({ id: 'Profile' });

const userFields = {
  userId: z.string().meta({ description: 'the token’s `sub`' }),
  email: z.email(),
  status: z.enum(USER_STATUSES),
  profile,
  createdAt: timestamp,
};

export const userSchema = z.strictObject(userFields).meta({ id: 'User' });

export const accountSchema = z
  .strictObject({
    ...userFields,
    stats: z.strictObject({ orderCount: z.number().int().min(0), lifetimeValueCents: cents }),
    recentOrders: z.array(orderSummarySchema).max(5),
  })
  .meta({ id: 'Account', description: 'AP16: the profile with the user’s stats and five most recent orders' });

export const cartSchema = z
  .strictObject({
    items: z.array(z.strictObject({ productId: id, quantity: z.number().int().min(1).max(99), addedAt: timestamp })),
    expiresAt: timestamp.nullable().meta({ description: 'when the first line expires; null for an empty cart' }),
  })
  .meta({ id: 'Cart' });

export const wishlistPageSchema = page(id, 'WishlistPage');

export const wishlistEntrySchema = z.strictObject({ productId: id, onWishlist: z.boolean() }).meta({ id: 'WishlistEntry' });

export const orderAcceptedSchema = z.strictObject({ orderId: id, status: z.literal('PENDING') }).meta({ id: 'OrderAccepted' });

export const orderSchema = z
  .strictObject({
    orderId: id,
    userId: z.string(),
    status: orderStatus,
    rejectionReason: z.enum(['OUT_OF_STOCK', 'UNKNOWN_PRODUCT', 'INVALID_PROMOTION', 'PAYMENT_DECLINED', 'SETTLEMENT_FAILED']).optional(),
    items: z.array(
      z.strictObject({
        productId: id,
        quantity: z.number().int().min(1).max(99),
        unitPriceCents: cents.nullable().meta({ description: 'the catalog price at settlement; null while PENDING' }),
      }),
    ),
    subtotalCents: cents,
    discountCents: cents,
    totalCents: cents,
    promotionCode: z.optional(id),
    fromCart: z.literal(true).optional(),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: 'Order' });

export const orderEventsSchema = z
  .strictObject({
    items: z.array(
      z.strictObject({
        seq: z.number().int().min(1),
        type: z.string().meta({ description: 'OrderPlaced, OrderConfirmed, OrderRejected (logs of orders confirmed before decision 0012 also hold InventoryReserved and PaymentAuthorized), …' }),
        at: timestamp,
        data: freeForm,
      }),
    ),
  })
  .meta({ id: 'OrderEvents', description: 'AP10: the order’s events in seq order' });

export const promotionSchema = z
  .strictObject({
    code: id,
    percentOff: z.number().int().min(1).max(100).optional(),
    amountOffCents: cents.optional(),
    validUntil: timestamp.optional(),
    maxRedemptions: z.number().int().min(0).optional(),
    redemptions: z.number().int().min(0),
    updatedAt: timestamp,
  })
  .meta({ id: 'Promotion' });

export const metricRollupsSchema = z
  .strictObject({
    items: z.array(
      z.strictObject({
        hour: timestamp,
        count: z.number().int().min(0),
        sum: z.number(),
        min: z.number().nullable(),
        max: z.number().nullable(),
      }),
    ),
  })
  .meta({ id: 'MetricRollups' });

export const eventsAcceptedSchema = z.strictObject({ accepted: z.number().int().min(1).max(500) }).meta({ id: 'EventsAccepted' });

/** The OpenAPI document itself is served as it is committed; described loosely, it is its own schema. */
export const openApiDocumentSchema = z.looseObject({ openapi: z.string().regex(/^3\.1\.\d+$/) }).meta({ id: 'OpenApiDocument' });

const errorDetails = z.array(z.strictObject({ path: z.string(), message: z.string() }));

/**
 * `{"error":{code,message,details?}}`, the body of every error a function answers
 * (lambdas/http/respond.ts), narrowed to the codes of one status: 400 is always VALIDATION_FAILED
 * with details, a 409 names its conflict (CONFLICT, EMAIL_TAKEN, IDEMPOTENCY_KEY_REUSED).
 */
export function errorSchema<const C extends readonly [string, ...string[]]>(id: string, codes: C, options: { details?: 'required' } = {}) {
  return z
    .strictObject({
      error: z.strictObject({
        code: z.enum(codes),
        message: z.string(),
        details: options.details === 'required' ? errorDetails : errorDetails.optional(),
      }),
    })
    .meta({ id });
}

/** What API Gateway itself answers before or instead of a function: `{"message":"Unauthorized"}` and the like. */
export const gatewayErrorSchema = z.strictObject({ message: z.string() }).meta({ id: 'GatewayError' });
