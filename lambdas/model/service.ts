import { Service } from 'electrodb';
import { CartItem } from './cart-item.ts';
import { IdempotencyRecord } from './idempotency.ts';
import { Inventory, InventoryBeforeBuckets } from './inventory.ts';
import { MetricEvent } from './metric-event.ts';
import { MetricRollup } from './metric-rollup.ts';
import { Notification } from './notification.ts';
import { Order } from './order.ts';
import { OrderEvent } from './order-event.ts';
import { Payment } from './payment.ts';
import { Product } from './product.ts';
import { ProductCategory } from './product-category.ts';
import { ProductSales } from './product-sales.ts';
import { Promotion } from './promotion.ts';
import { entityConfig } from './table.ts';
import { TopProducts } from './top-products.ts';
import { User } from './user.ts';
import { UserEmail } from './user-email.ts';
import { UserOrder } from './user-order.ts';
import { UserStats } from './user-stats.ts';
import { WishlistItem } from './wishlist-item.ts';

/**
 * Every entity of the single table, for the scripts (backfill, rebuild) that span them all. Functions
 * never import it: each adapter builds a service over the entities its transactions and collections
 * use, so a function constructs only those (each costs init time: ElectroDB parses its model; the bundles skip its validation, decision 0015).
 */
export const commerce = new Service(
  {
    product: Product,
    inventory: Inventory,
    inventoryBeforeBuckets: InventoryBeforeBuckets,
    order: Order,
    orderEvent: OrderEvent,
    payment: Payment,
    user: User,
    userStats: UserStats,
    userOrder: UserOrder,
    idempotency: IdempotencyRecord,
    userEmail: UserEmail,
    productCategory: ProductCategory,
    cartItem: CartItem,
    wishlistItem: WishlistItem,
    promotion: Promotion,
    metricEvent: MetricEvent,
    metricRollup: MetricRollup,
    productSales: ProductSales,
    topProducts: TopProducts,
    notification: Notification,
  },
  entityConfig,
);
