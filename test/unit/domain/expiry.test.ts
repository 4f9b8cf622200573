import { describe, expect, it } from 'vitest';
import { epochSeconds, expiresAt, isLive } from '../../../lambdas/domain/expiry.ts';

const now = new Date('2026-11-24T10:30:00.000Z');

describe('expiry', () => {
  it('serves an item only before its TTL, even if DynamoDB has not deleted it yet', () => {
    const ttl = expiresAt(now, 2);
    expect(ttl).toBe(epochSeconds(now) + 2);
    expect(isLive({ ttl }, now)).toBe(true);
    expect(isLive({ ttl }, new Date(now.getTime() + 2000))).toBe(false);
    expect(isLive({}, now)).toBe(true);
  });
});
