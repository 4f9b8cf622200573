import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { decodeTime } from 'ulid';
import { configuredPaymentProvider } from '../adapters/payment-provider.ts';
import { config } from '../config.ts';
import { Pace } from '../domain/pace.ts';
import { StockSnapshots } from '../domain/stock-snapshots.ts';
import { Turns } from '../domain/turns.ts';
import { logger, metrics } from '../observability.ts';
import { countRejectedOrders } from './order-metrics.ts';
import type { SettlementPorts } from '../ports/orders.ts';
import { giveUpOnOrder, settleOrder } from './settle.ts';
import { settlementStores } from './settlement-stores.ts';
import { settlementMessageSchema } from '../ports/settlement-message.ts';

const ports: SettlementPorts = {
  ...settlementStores,
  stockSnapshots: new StockSnapshots(),
  payments: configuredPaymentProvider(),
  now: () => new Date().toISOString(),
  settled: (outcome) => {
    if (outcome.result === 'confirmed') metrics.addMetric('OrdersConfirmed', MetricUnit.Count, 1);
    else countRejectedOrders(outcome.reason);
  },
};

/**
 * This worker's share of the table's write budget for settlement (docs/data-model.md, "Settlement
 * concurrency"): at most SETTLEMENT_RATE_PER_WORKER settlements a second, a second's worth at once.
 * Where settlements take longer than the rule assumes (the sandbox) it never holds one back.
 */
const pace = new Pace(config.settlementRatePerWorker, Math.max(1, config.settlementRatePerWorker));

/** On the message's last delivery a failure would leave the order PENDING once it is dead-lettered. */
async function giveUpOnLastDelivery(record: SQSRecord, orderId: string): Promise<void> {
  if (Number(record.attributes.ApproximateReceiveCount) < config.settlementMaxReceiveCount) return;
  const result = await giveUpOnOrder(orderId, ports);
  if (result === 'rejected') logger.error('order rejected after its last settlement attempt', { orderId });
}

/**
 * Settles one record's order. The relay's copy of the PENDING order spares the order read on a first
 * delivery; a redelivery reads the order, since an earlier delivery may have settled it (or got as
 * far as the payment). Records whose copies name a product in common settle one after the other.
 */
async function settleRecord(record: SQSRecord, turns: Turns): Promise<void> {
  const parsed = settlementMessageSchema.safeParse(safeJson(record.body));
  if (!parsed.success) {
    // A malformed message can never succeed: fail it so it reaches the DLQ without blocking the batch.
    throw new Error(`Malformed settlement message ${record.messageId}`);
  }
  const { orderId, paymentToken, order } = parsed.data;
  const firstDelivery = Number(record.attributes.ApproximateReceiveCount) <= 1;
  const request = { orderId, ...(paymentToken ? { paymentToken } : {}), ...(firstDelivery && order ? { order } : {}) };
  try {
    const result = await turns.run(order?.items.map((line) => line.productId) ?? [], async () => {
      await pace.take();
      return settleOrder(request, ports);
    });
    // From 202 to a final state: the order id is a ULID of the instant it was placed.
    const placedAt = placedAtOf(orderId);
    if (result !== 'already-settled' && placedAt !== undefined) metrics.addMetric('SettlementLatency', MetricUnit.Milliseconds, Date.now() - placedAt);
    logger.info('order settled', { orderId, result });
  } catch (error) {
    logger.warn('settlement failed', { orderId, error: error as Error });
    await giveUpOnLastDelivery(record, orderId);
    throw error;
  }
}

function placedAtOf(orderId: string): number | undefined {
  try {
    return decodeTime(orderId);
  } catch {
    return undefined;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const processor = new BatchProcessor(EventType.SQS);

/**
 * SQS worker: each record settles independently; failed ones are reported, the rest acknowledged.
 * The records of a batch settle at once, except that those sharing a product wait for each other:
 * settlements of one batch often touch the same hot stock items, and racing there only costs
 * retries — so a product's partition sees at most one settlement per worker. How many workers run
 * at once is the event source's MaximumConcurrency (docs/data-model.md, "Settlement concurrency").
 */
export const handler = async (event: SQSEvent, context: Context) => {
  logger.addContext(context);
  const turns = new Turns();
  try {
    return await processPartialResponse(event, (record: SQSRecord) => settleRecord(record, turns), processor, { context, processInParallel: true });
  } finally {
    metrics.publishStoredMetrics();
  }
};
