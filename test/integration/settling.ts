import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { expect } from 'vitest';
import { baseUrl, type Reply } from './client.ts';

/** PENDING_ORDER_TIMEOUT_SECONDS of the test sandboxes. */
export const BACKSTOP_TIMEOUT_SECONDS = 3;
/** The backstop's bound: re-driven up to 3 times a timeout apart, then rejected — plus settling time. */
export const BACKSTOP_BOUND_MS = (BACKSTOP_TIMEOUT_SECONDS * 5 + 30) * 1000;

export interface OrderState {
  orderId: string;
  status: string;
  items: Array<{ productId: string; quantity: number }>;
}

/**
 * Runs the backstop (POST /_sandbox/schedules) every second until every given order is CONFIRMED or
 * REJECTED, or the bound passes; resolves with each order's state and its events.
 */
export async function untilAllFinal(orderIds: readonly string[], options: { baseUrl?: string; boundMs?: number } = {}) {
  const base = options.baseUrl ?? baseUrl();
  const token = (await fetchJson<{ token: string }>(`${base}/_sandbox/token`, { method: 'POST', body: JSON.stringify({ sub: 'admin-settling', admin: true }) })).body.token;
  const get = <T>(path: string) => fetchJson<T>(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });
  const deadline = Date.now() + (options.boundMs ?? BACKSTOP_BOUND_MS);
  const states = new Map<string, OrderState>();
  const isFinal = (orderId: string) => ['CONFIRMED', 'REJECTED'].includes(states.get(orderId)?.status ?? '');
  while (true) {
    for (const orderId of orderIds.filter((id) => !isFinal(id))) {
      const reply = await get<OrderState>(`/orders/${orderId}`);
      if (reply.status === 200) states.set(orderId, reply.body);
    }
    const pending = orderIds.filter((id) => !isFinal(id));
    if (pending.length === 0) break;
    if (Date.now() > deadline) throw new Error(`${pending.length} orders still not final: ${pending.slice(0, 5).join(', ')}`);
    await fetchJson(`${base}/_sandbox/schedules`, { method: 'POST' });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  const events = new Map<string, Array<{ type: string }>>();
  for (const orderId of orderIds) events.set(orderId, (await get<{ items: Array<{ type: string }> }>(`/orders/${orderId}/events`)).body.items);
  return { states, events };
}

/** Each order settled exactly once: one OrderPlaced, then exactly one final event matching its status. */
export function expectSettledOnce(states: Map<string, OrderState>, events: Map<string, Array<{ type: string }>>): void {
  for (const [orderId, state] of states) {
    const types = events.get(orderId)!.map((event) => event.type);
    expect(types.filter((type) => type === 'OrderPlaced'), orderId).toHaveLength(1);
    const finals = types.filter((type) => type === 'OrderConfirmed' || type === 'OrderRejected');
    expect(finals, `${orderId}: ${types.join(',')}`).toEqual([state.status === 'CONFIRMED' ? 'OrderConfirmed' : 'OrderRejected']);
  }
}

/** Every order item of these users, straight from the table: also the ones whose client saw an error. */
export async function recordedOrders(endpoint: string, tableName: string, userIds: readonly string[]): Promise<string[]> {
  const client = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }));
  const ids: string[] = [];
  let start: Record<string, unknown> | undefined;
  try {
    do {
      const page = await client.send(
        new ScanCommand({ TableName: tableName, ExclusiveStartKey: start, FilterExpression: '#e = :order', ExpressionAttributeNames: { '#e': '__edb_e__' }, ExpressionAttributeValues: { ':order': 'order' } }),
      );
      for (const item of page.Items ?? []) if (userIds.includes(item['userId'] as string)) ids.push(item['orderId'] as string);
      start = page.LastEvaluatedKey;
    } while (start);
  } finally {
    client.destroy();
  }
  return ids;
}

/** Status codes a fault may cause: accepted, or 503 with Retry-After — never another 5xx. */
export function expectNoServerFault(replies: ReadonlyArray<Reply | { status: number; headers: Headers }>): void {
  for (const reply of replies) {
    if (reply.status === 503) expect(reply.headers.get('retry-after')).toMatch(/^\d+$/);
    else expect(reply.status, JSON.stringify((reply as Reply).body ?? null)).toBeLessThan(500);
  }
}

async function fetchJson<T>(url: string, init?: RequestInit): Promise<Reply<T>> {
  const response = await fetch(url, init);
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as T) : (null as T), headers: response.headers };
}
