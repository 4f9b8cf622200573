/**
 * TTL arithmetic. DynamoDB's TTL attribute is epoch seconds and deletion is lazy (typically within
 * days), so an item past its TTL may still be read: every read filters on the TTL itself.
 */

export const epochSeconds = (at: Date): number => Math.floor(at.getTime() / 1000);

export function expiresAt(now: Date, ttlSeconds: number): number {
  return epochSeconds(now) + ttlSeconds;
}

/** True while the item may be served. Items without a TTL never expire. */
export function isLive(item: { ttl?: number | null }, now: Date): boolean {
  return item.ttl === undefined || item.ttl === null || item.ttl > epochSeconds(now);
}

export function isoFromEpoch(seconds: number): string {
  return new Date(seconds * 1000).toISOString();
}
