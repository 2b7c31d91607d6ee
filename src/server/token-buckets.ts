import type { Clock } from '../engine/clock.ts';

/** How a set of token buckets fills. */
export interface TokenBucketRate {
  /** Tokens added to each bucket per second, continuously. */
  perSecond: number;
  /** What a bucket holds at most, and holds at first: the largest burst. */
  burst: number;
}

/** A bucket's answer: yes (taken, or there), or how long until the tokens asked for are there. */
export type BucketAnswer = { ok: true } | { ok: false; retryAfterMs: number };

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * One token bucket per key (a principal id): each starts full (`burst` tokens) and refills at
 * `perSecond`; a request takes its cost or is refused, taking nothing. Time comes from the
 * injected clock, so a test moves it instead of sleeping; a clock that steps back (a wall clock
 * corrected) refills nothing and refuses nothing for it. Keys are principal ids of the tokens
 * file, so the map stays as small as that file.
 * @example
 * const buckets = new TokenBuckets({ perSecond: 200, burst: 1_000 }, systemClock);
 * const answer = buckets.take('agent-1', 3);
 * if (!answer.ok) throw new TooManyRequestsError('slow down', answer.retryAfterMs);
 */
export class TokenBuckets {
  readonly #rate: TokenBucketRate;
  readonly #clock: Clock;
  readonly #buckets = new Map<string, Bucket>();

  constructor(rate: TokenBucketRate, clock: Clock) {
    if (!(rate.perSecond > 0) || !(rate.burst >= 1)) throw new RangeError('a token bucket needs perSecond > 0 and burst ≥ 1');
    this.#rate = rate;
    this.#clock = clock;
  }

  /**
   * Takes `cost` tokens from `key`'s bucket (a cost above the burst takes the whole burst, so
   * no request waits forever), or refuses with how long until there are enough.
   * @example buckets.take('agent-1') // { ok: true }
   */
  take(key: string, cost = 1): BucketAnswer {
    const bucket = this.#refilled(key);
    const needed = Math.min(cost, this.#rate.burst);
    if (bucket.tokens >= needed) {
      bucket.tokens -= needed;
      return { ok: true };
    }
    return { ok: false, retryAfterMs: ((needed - bucket.tokens) / this.#rate.perSecond) * 1000 };
  }

  /**
   * Whether `key` has at least one token, taking none: a cheap refusal before a request's body
   * is even read.
   * @example if (!buckets.check('agent-1').ok) refuse();
   */
  check(key: string): BucketAnswer {
    const bucket = this.#refilled(key);
    return bucket.tokens >= 1 ? { ok: true } : { ok: false, retryAfterMs: ((1 - bucket.tokens) / this.#rate.perSecond) * 1000 };
  }

  #refilled(key: string): Bucket {
    const now = this.#clock.now();
    let bucket = this.#buckets.get(key);
    if (!bucket) {
      bucket = { tokens: this.#rate.burst, at: now };
      this.#buckets.set(key, bucket);
      return bucket;
    }
    const elapsedMs = Math.max(0, now - bucket.at);
    bucket.tokens = Math.min(this.#rate.burst, bucket.tokens + (elapsedMs / 1000) * this.#rate.perSecond);
    bucket.at = now;
    return bucket;
  }
}
