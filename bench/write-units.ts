import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { TappedCall } from './call-tap.ts';
import type { WatchedRecord } from './stream-watch.ts';

/**
 * Write units of what the functions did, computed — DynamoDB Local reports no consumed capacity
 * unless asked, and the functions do not ask. Method:
 * - every write the functions sent (from the calls the bench taps at the sandbox's DynamoDB proxy):
 *   PutItem/UpdateItem/DeleteItem and each BatchWriteItem request are standard writes, each action
 *   of a TransactWriteItems (ConditionCheck included) a transactional one (2× the units);
 * - an item's size is the larger of its images in the stream record that write produced (or the
 *   Put's item), rounded up to the next KB: 1 unit a KB, at least 1, as DynamoDB charges;
 * - index writes from the stream: for every GSI, an item entering (put) or leaving (delete) it, a
 *   changed index key (delete + put), or a changed item with the same key (projection ALL: update).
 * Conditional writes that fail consume units too and are counted (and shown apart).
 */
export interface WriteUnits {
  readonly itemWrites: number;
  readonly transactionalWrites: number;
  readonly failedWrites: number;
  readonly indexWrites: number;
  readonly tableUnits: number;
  readonly indexUnits: number;
  readonly total: number;
  /** Item writes by function and operation, e.g. `OrdersApi TransactWriteItems: 3`. */
  readonly byFunction: Record<string, number>;
}

export interface IndexKeys {
  readonly name: string;
  readonly keys: readonly string[];
}

type Item = Record<string, AttributeValue>;

export function writeUnits(calls: readonly TappedCall[], records: readonly WatchedRecord[], indexes: readonly IndexKeys[]): WriteUnits {
  const sizeByKey = new Map<string, number>();
  let indexWrites = 0;
  let indexUnits = 0;
  for (const { record } of records) {
    const before = record.dynamodb?.OldImage as Item | undefined;
    const after = record.dynamodb?.NewImage as Item | undefined;
    const key = keyOf((record.dynamodb?.Keys ?? {}) as Item);
    const size = Math.max(before ? itemSize(before) : 0, after ? itemSize(after) : 0);
    sizeByKey.set(key, Math.max(size, sizeByKey.get(key) ?? 0));
    for (const index of indexes) {
      const had = before && index.keys.every((name) => before[name] !== undefined);
      const has = after && index.keys.every((name) => after[name] !== undefined);
      const sameKey = had && has && index.keys.every((name) => JSON.stringify(before![name]) === JSON.stringify(after![name]));
      const writes = !had && !has ? 0 : had && has ? (sameKey ? 1 : 2) : 1;
      indexWrites += writes;
      indexUnits += writes * units(size);
    }
  }

  let itemWrites = 0;
  let transactionalWrites = 0;
  let failedWrites = 0;
  let tableUnits = 0;
  const byFunction: Record<string, number> = {};
  for (const call of calls) {
    if (call.service !== 'dynamodb') continue;
    const writes = writesOf(call);
    if (writes.length === 0) continue;
    const failed = (call.status ?? 200) >= 400;
    const label = `${call.function.replace(/[0-9A-F]{8}$/, '')} ${call.operation}`;
    byFunction[label] = (byFunction[label] ?? 0) + writes.length;
    for (const write of writes) {
      itemWrites += 1;
      if (write.transactional) transactionalWrites += 1;
      if (failed) failedWrites += 1;
      const size = sizeByKey.get(keyOf(write.key)) ?? (write.item ? itemSize(write.item) : 1);
      tableUnits += units(size) * (write.transactional ? 2 : 1);
    }
  }
  return { itemWrites, transactionalWrites, failedWrites, indexWrites, tableUnits, indexUnits, total: tableUnits + indexUnits, byFunction };
}

interface Write {
  readonly key: Item;
  readonly item?: Item;
  readonly transactional: boolean;
}

function writesOf(call: TappedCall): Write[] {
  const body = call.body ?? {};
  switch (call.operation) {
    case 'PutItem':
      return [{ key: body.Item, item: body.Item, transactional: false }];
    case 'UpdateItem':
    case 'DeleteItem':
      return [{ key: body.Key, transactional: false }];
    case 'BatchWriteItem':
      return Object.values((body.RequestItems ?? {}) as Record<string, any[]>).flatMap((requests) =>
        requests.map((request) => (request.PutRequest ? { key: request.PutRequest.Item, item: request.PutRequest.Item, transactional: false } : { key: request.DeleteRequest?.Key ?? {}, transactional: false })),
      );
    case 'TransactWriteItems':
      return ((body.TransactItems ?? []) as any[]).map((action) => {
        const [kind, detail] = Object.entries(action)[0] as [string, any];
        return kind === 'Put' ? { key: detail.Item, item: detail.Item, transactional: true } : { key: detail.Key ?? {}, transactional: true };
      });
    default:
      return [];
  }
}

const units = (bytes: number) => Math.max(1, Math.ceil(bytes / 1024));
const keyOf = (item: Item) => `${item?.['pk']?.S ?? ''}|${item?.['sk']?.S ?? ''}`;

/** DynamoDB's item size: attribute names plus values (strings in UTF-8, numbers ~1 byte per 2 digits). */
export function itemSize(item: Item): number {
  return Object.entries(item).reduce((sum, [name, value]) => sum + Buffer.byteLength(name) + valueSize(value), 0);
}

function valueSize(value: AttributeValue): number {
  if (value.S !== undefined) return Buffer.byteLength(value.S);
  if (value.N !== undefined) return Math.ceil(value.N.replace(/^-|\.|e.*$/gi, '').length / 2) + 1;
  if (value.B !== undefined) return (value.B as unknown as string).length;
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (value.L !== undefined) return 3 + value.L.reduce((sum, element) => sum + 1 + valueSize(element), 0);
  if (value.M !== undefined) return 3 + Object.entries(value.M).reduce((sum, [name, element]) => sum + 1 + Buffer.byteLength(name) + valueSize(element), 0);
  if (value.SS !== undefined) return value.SS.reduce((sum, element) => sum + Buffer.byteLength(element), 0);
  if (value.NS !== undefined) return value.NS.reduce((sum, element) => sum + Math.ceil(element.length / 2) + 1, 0);
  return 0;
}

/**
 * The lower bound of write units for one confirmed 1-line order, API + settlement + projections,
 * item by item: what SPEC §1–§3 require to be written, nothing else, every item ≤ 1 KB, every
 * index projecting ALL. docs/data-model.md ("Write cost of an order") gives each item's reason;
 * keep the two lists the same.
 */
export const WRITE_FLOOR: ReadonlyArray<{ readonly write: string; readonly units: number }> = [
  { write: 'placement transaction: order PENDING, OrderPlaced event, idempotency record (3 × 2)', units: 6 },
  { write: 'settlement transaction: order CONFIRMED, one stock decrement, payment record, OrderConfirmed event (4 × 2)', units: 8 },
  { write: 'notification record: claimed before SES, marked sent after (2 × 1)', units: 2 },
  { write: "projection of PENDING: the user's history entry (AP11) and the recent orders (AP16), one write each", units: 2 },
  { write: 'projection of CONFIRMED, one transaction: history entry → CONFIRMED (the guard), user stats with recent orders, product sales (3 × 2)', units: 6 },
  { write: 'projection: the top-products board only when its ranking changes (0 here)', units: 0 },
  { write: 'index gsi1: the order by day (AP12), put, then updated on CONFIRMED', units: 2 },
  { write: 'index gsi2: the order by day and status (AP12 by status): put, then delete + put on CONFIRMED', units: 3 },
  { write: 'index gsi3: the sparse PENDING index of the backstop: put, then delete', units: 2 },
];
export const WRITE_FLOOR_UNITS = WRITE_FLOOR.reduce((sum, { units: n }) => sum + n, 0);
