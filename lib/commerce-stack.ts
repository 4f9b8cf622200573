import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { Api } from './api.ts';
import { Archive } from './archive.ts';
import { Database } from './database.ts';
import { Notifications, type NotificationsConfig } from './notifications.ts';
import { OrderPipeline } from './order-pipeline.ts';
import { Observability } from './observability.ts';
import { OrderEvents } from './order-events.ts';
import { Projections } from './projections.ts';
import { settings } from './settings.ts';

export interface CommerceStackProps extends StackProps {
  /** Throwaway dev stack: turns off deletion protection and retain-on-delete (context `ephemeral=true`). */
  readonly ephemeral?: boolean;
  /** Subscribed by email to the alarm topic (context `alarmEmail`). */
  readonly alarmEmail?: string;
  /** Sender, SES identity and configuration set of the customer emails (contexts `notificationSender`, `notificationIdentity`, `sesConfigurationSet`). */
  readonly notifications?: NotificationsConfig;
}

/** Composes the platform's constructs; each concern lives in its own construct. */
export class CommerceStack extends Stack {
  constructor(scope: Construct, id: string, props: CommerceStackProps = {}) {
    super(scope, id, props);
    const ephemeral = props.ephemeral ?? false;
    const database = new Database(this, 'Database', { ephemeral });
    const { table } = database;
    const environment = {
      TABLE_NAME: table.tableName,
      ORDER_SHARD_COUNT: String(settings.orderShardCount),
      PAYMENT_PROVIDER: 'simulated',
      IDEMPOTENCY_TTL_SECONDS: String(settings.idempotencyTtlSeconds),
      CART_TTL_SECONDS: String(settings.cartTtlSeconds),
      METRICS_TTL_SECONDS: String(settings.metricsTtlSeconds),
      METRIC_SHARD_COUNT: String(settings.metricShardCount),
      PRODUCT_CACHE_SIZE: String(settings.productCacheSize),
      PRODUCT_CACHE_TTL_SECONDS: String(settings.productCacheTtlSeconds),
      TOP_PRODUCTS_SIZE: String(settings.topProductsSize),
    };
    const orderEvents = new OrderEvents(this, 'OrderEvents');
    new OrderPipeline(this, 'OrderPipeline', { database, environment, orderEvents });
    new Notifications(this, 'Notifications', { database, orderEvents, environment, ...props.notifications });
    const archive = new Archive(this, 'Archive', { ephemeral });
    new Projections(this, 'Projections', { database, archive, environment });
    const api = new Api(this, 'Api', { database, environment, ephemeral });
    // Last: it discovers the functions, queues and stream consumers composed above.
    new Observability(this, 'Observability', {
      database,
      httpApi: api.httpApi,
      ...(props.alarmEmail ? { alarmEmail: props.alarmEmail } : {}),
    });
  }
}
