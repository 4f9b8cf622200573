import { EventEmitter } from 'node:events';
import { LRUCache } from 'lru-cache';
import CircuitBreaker from 'opossum';
import { UnavailableError } from '../domain/errors.ts';
import { isThrottling } from './aws-errors.ts';

export interface ThrottleBreakerOptions {
  /** Breakers kept, least recently used evicted: memory stays bounded whatever the key space. */
  maxKeys: number;
  /** How long an open breaker refuses before it lets one probe through (half-open). */
  resetTimeoutMs: number;
  /** Reads of a key within the window before its breaker may open at all. */
  volumeThreshold: number;
  /** Share of throttled reads within the window that opens the breaker. */
  errorThresholdPercentage: number;
  /** The rolling window the share is counted over. */
  windowMs: number;
}

type Read = () => Promise<unknown>;

interface Guard {
  breaker: CircuitBreaker<[Read], unknown>;
  openedAt: number;
}

const WINDOW_BUCKETS = 10;

/**
 * One circuit breaker (opossum) per hot key. Only throttling counts against a key: a key that keeps
 * throttling gets its breaker opened, and its reads fail fast with 503 UNAVAILABLE and a
 * Retry-After of the seconds left until the half-open probe — instead of piling retries onto a
 * partition that is already over its throughput. Any other error passes through untouched.
 */
export class ThrottleBreakers {
  private readonly guards: LRUCache<string, Guard>;
  /** One timer rotates every breaker's statistics window, instead of two intervals per breaker. */
  private readonly rotation = new EventEmitter().setMaxListeners(0);

  constructor(private readonly options: ThrottleBreakerOptions) {
    this.guards = new LRUCache<string, Guard>({ max: options.maxKeys, dispose: (guard) => guard.breaker.shutdown() });
    setInterval(() => this.rotation.emit('rotate'), Math.max(1, Math.floor(options.windowMs / WINDOW_BUCKETS))).unref();
  }

  /** Runs `read` under the breaker of `key`; throws UnavailableError while that key is shed. */
  async run<T>(key: string, read: () => Promise<T>): Promise<T> {
    const guard = this.guard(key);
    try {
      return (await guard.breaker.fire(read)) as T;
    } catch (error) {
      if (isOpenBreaker(error)) throw new UnavailableError('This item is overloaded, retry later', this.retryAfterSeconds(guard));
      if (isThrottling(error)) throw new UnavailableError('Temporarily overloaded, retry shortly', this.retryAfterSeconds(guard));
      throw error;
    }
  }

  /** Seconds until the breaker lets a probe through; 1 while it is closed or probing. */
  private retryAfterSeconds(guard: Guard): number {
    if (!guard.breaker.opened) return 1;
    return Math.max(1, Math.ceil((guard.openedAt + this.options.resetTimeoutMs - Date.now()) / 1000));
  }

  private guard(key: string): Guard {
    const known = this.guards.get(key);
    if (known) return known;
    const breaker = new CircuitBreaker<[Read], unknown>((read) => read(), {
      name: key,
      // The SDK bounds each request's time; opossum's timeout would not cancel it, only hide it.
      timeout: false,
      resetTimeout: this.options.resetTimeoutMs,
      volumeThreshold: this.options.volumeThreshold,
      errorThresholdPercentage: this.options.errorThresholdPercentage,
      rollingCountTimeout: this.options.windowMs,
      rollingCountBuckets: WINDOW_BUCKETS,
      rollingPercentilesEnabled: false,
      enableSnapshots: false,
      rotateBucketController: this.rotation,
      // A non-throttling error says the key answered: it must not open the breaker.
      errorFilter: (error: unknown) => !isThrottling(error),
    });
    const guard: Guard = { breaker, openedAt: 0 };
    breaker.on('open', () => {
      guard.openedAt = Date.now();
    });
    this.guards.set(key, guard);
    return guard;
  }
}

function isOpenBreaker(error: unknown): boolean {
  return (error as { code?: unknown } | undefined)?.code === 'EOPENBREAKER';
}
