import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { enqueueSettlements } from '../adapters/order-queue.ts';
import { markRedriven, oldestPendingOrder, pendingOrdersCreatedBefore } from '../adapters/pending-orders.ts';
import { commitRejection } from '../adapters/settlement-store.ts';
import { config } from '../config.ts';
import { logger, metrics } from '../observability.ts';
import { countRejectedOrders } from './order-metrics.ts';
import type { BackstopPorts } from '../ports/orders.ts';
import { redrivePendingOrders } from './redrive-pending.ts';

const ports: BackstopPorts = {
  pendingOrdersCreatedBefore,
  oldestPendingOrder,
  markRedriven,
  // By id only: the worker reads each re-driven order, whatever became of it since it was found stuck.
  enqueue: (orderIds) => enqueueSettlements(orderIds.map((orderId) => ({ orderId }))),
  reject: commitRejection,
  now: () => Date.now(),
};

/** Scheduled (every minute): re-drives or rejects stuck PENDING orders, and reports the oldest one's age. */
export const handler = async (_event: unknown, context: Context) => {
  logger.addContext(context);
  try {
    const report = await redrivePendingOrders(ports, {
      timeoutSeconds: config.pendingOrderTimeoutSeconds,
      maxRedrives: config.pendingOrderMaxRedrives,
    });
    metrics.addMetric('OldestPendingOrderAgeSeconds', MetricUnit.Seconds, report.oldestPendingAgeSeconds);
    metrics.addMetric('OrdersRedriven', MetricUnit.Count, report.redriven);
    if (report.rejected > 0) countRejectedOrders('SETTLEMENT_FAILED', report.rejected);
    if (report.redriven + report.rejected + report.failed > 0) logger.warn('stuck orders found', { ...report });
    if (report.failed > 0) throw new Error(`${report.failed} stuck orders could not be queued; the next run retries them`);
    return report;
  } finally {
    metrics.publishStoredMetrics();
  }
};
