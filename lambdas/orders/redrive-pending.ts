import { rejectionEvents } from '../domain/order-rules.ts';
import type { BackstopPorts } from '../ports/orders.ts';

export interface BackstopPolicy {
  /** An order PENDING this long is stuck (PENDING_ORDER_TIMEOUT_SECONDS). */
  timeoutSeconds: number;
  /** Re-drives before a stuck order is rejected SETTLEMENT_FAILED (PENDING_ORDER_MAX_REDRIVES). */
  maxRedrives: number;
}

export interface BackstopReport {
  redriven: number;
  rejected: number;
  /** Re-driven less than a timeout ago: its settlement may still be on its way. */
  waiting: number;
  /** Could not be queued this run; the next run tries again. */
  failed: number;
  /** Age of the oldest PENDING order in seconds, 0 when there is none. */
  oldestPendingAgeSeconds: number;
}

/**
 * The backstop of SPEC §1: every order still PENDING a timeout after it was placed is re-driven to
 * settlement (at most once per timeout), and once it was re-driven `maxRedrives` times without an
 * outcome it is rejected SETTLEMENT_FAILED — so no accepted order stays PENDING, whatever was lost.
 * Every write is conditioned on PENDING, so a settlement racing the backstop wins cleanly.
 */
export async function redrivePendingOrders(ports: BackstopPorts, policy: BackstopPolicy): Promise<BackstopReport> {
  const now = ports.now();
  const nowIso = new Date(now).toISOString();
  const timeoutMs = policy.timeoutSeconds * 1000;
  const stuck = await ports.pendingOrdersCreatedBefore(now - timeoutMs);
  const report: BackstopReport = { redriven: 0, rejected: 0, waiting: 0, failed: 0, oldestPendingAgeSeconds: 0 };

  const toQueue: string[] = [];
  for (const order of stuck) {
    if ((order.redriveCount ?? 0) >= policy.maxRedrives) {
      const result = await ports.reject({ order, reason: 'SETTLEMENT_FAILED', events: rejectionEvents(order.eventSeq, 'SETTLEMENT_FAILED'), now: nowIso });
      if (result === 'committed') report.rejected += 1;
      continue;
    }
    if (order.redrivenAt !== undefined && now - Date.parse(order.redrivenAt) < timeoutMs) {
      report.waiting += 1;
      continue;
    }
    if (await ports.markRedriven(order.orderId, nowIso)) toQueue.push(order.orderId);
  }
  const failed = toQueue.length > 0 ? await ports.enqueue(toQueue) : [];
  report.failed = failed.length;
  report.redriven = toQueue.length - failed.length;

  // Stuck orders come oldest first; only when none is stuck is the oldest PENDING one read.
  const oldest = stuck[0] ?? (await ports.oldestPendingOrder());
  if (oldest) report.oldestPendingAgeSeconds = Math.max(0, Math.round((now - Date.parse(oldest.createdAt)) / 1000));
  return report;
}
