import { Service } from 'electrodb';
import { IdempotencyRecord } from './idempotency.ts';
import { Inventory } from './inventory.ts';
import { Order } from './order.ts';
import { OrderEvent } from './order-event.ts';
import { Payment } from './payment.ts';
import { Product } from './product.ts';
import { entityConfig } from './table.ts';
import { User } from './user.ts';
import { UserOrder } from './user-order.ts';
import { UserStats } from './user-stats.ts';

/** Every entity of the single table; transactions and collections span them. */
export const commerce = new Service(
  {
    product: Product,
    inventory: Inventory,
    order: Order,
    orderEvent: OrderEvent,
    payment: Payment,
    user: User,
    userStats: UserStats,
    userOrder: UserOrder,
    idempotency: IdempotencyRecord,
  },
  entityConfig,
);
