import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { RejectionReason } from '../domain/order-rules.ts';
import { metrics } from '../observability.ts';

/**
 * `OrdersRejected` with its `reason` as a dimension (one of five values: low cardinality), in a
 * metric of its own so the function's other metrics keep just the `service` dimension.
 */
export function countRejectedOrders(reason: RejectionReason, count = 1): void {
  const rejected = metrics.singleMetric();
  rejected.addDimension('reason', reason);
  rejected.addMetric('OrdersRejected', MetricUnit.Count, count);
}
