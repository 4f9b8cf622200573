/**
 * Write sharding of hot logical keys. A key that takes more writes than one partition absorbs
 * (1,000 WCU/s) is split into `count` physical keys; readers query every shard in parallel.
 */

/** FNV-1a, 32-bit: fast, dependency-free, and spreads short ids (ULIDs) evenly. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** Calculated suffix: the same id always maps to the same shard, so a writer never needs a read. */
export function shardFor(id: string, count: number): number {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`shard count must be a positive integer, got ${count}`);
  return fnv1a(id) % count;
}

/** Every shard of a sharded key, for scatter-gather reads. */
export function allShards(count: number): number[] {
  return Array.from({ length: count }, (_, shard) => shard);
}

/** Shards needed for a peak write rate, with headroom: each shard takes at most half a partition's 1,000 WCU/s. */
export function shardsForPeakWrites(peakWritesPerSecond: number, writeUnitsPerItem = 1): number {
  return Math.max(1, Math.ceil((peakWritesPerSecond * writeUnitsPerItem) / 500));
}
