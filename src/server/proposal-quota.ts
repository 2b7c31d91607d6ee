import type { Clock } from '../engine/clock.ts';
import { TooManyRequestsError } from '../errors.ts';
import { TokenBuckets } from './token-buckets.ts';

/** How fast one principal may propose (`POST /api/v1/tasks`). */
export interface ProposalRate {
  /** Tokens each principal gets back per second. */
  perSecond: number;
  /** Tokens a principal holds at most (and at first): its largest burst. */
  burst: number;
  /** Request body bytes one token pays for: a proposal costs ⌈bytes / bytesPerToken⌉ tokens, at least 1. */
  bytesPerToken: number;
}

/**
 * The proposal rate of each principal: a token bucket per principal id, charged by body size,
 * because what a proposal costs the server is mostly the detectors' scan of its text (about
 * 0.5–1 ms per KiB: a 1 MiB body holds the event loop for a second or more), not the request.
 * At 4 KiB per token a token is about the same work whatever the body: a proposal of a few
 * hundred bytes costs 1, one of 1 MiB 256. A replay of an idempotency key costs like any
 * proposal: the server learns it is a replay only from the store, after the charge.
 * @example
 * const quota = new ProposalQuota({ perSecond: 200, burst: 1_000, bytesPerToken: 4_096 }, systemClock);
 * quota.check('agent-1');          // before reading the body: refuses at once when nothing is left
 * quota.charge('agent-1', 10_000); // once it is read, valid or not: takes 3 tokens, or throws
 */
export class ProposalQuota {
  readonly #buckets: TokenBuckets;
  readonly #bytesPerToken: number;

  constructor(rate: ProposalRate, clock: Clock) {
    if (!(rate.bytesPerToken >= 1)) throw new RangeError('bytesPerToken must be at least 1');
    this.#buckets = new TokenBuckets({ perSecond: rate.perSecond, burst: rate.burst }, clock);
    this.#bytesPerToken = rate.bytesPerToken;
  }

  /**
   * What a proposal of `bodyBytes` costs.
   * @example quota.costOf(300) // 1
   */
  costOf(bodyBytes: number): number {
    return Math.max(1, Math.ceil(bodyBytes / this.#bytesPerToken));
  }

  /**
   * Refuses a principal with no token left, taking nothing: checked before the body is read, so
   * a flood costs the server no reading and no parsing.
   * @throws TooManyRequestsError
   */
  check(principalId: string): void {
    const answer = this.#buckets.check(principalId);
    if (!answer.ok) throw new TooManyRequestsError(`${principalId} proposes faster than this server allows; slow down`, answer.retryAfterMs);
  }

  /**
   * Takes what a proposal of `bodyBytes` costs, once its body is read and before it is parsed:
   * an invalid body costs what a valid one of its size does (parsing and validating it is work
   * too, and a flood of invalid bodies would otherwise cost the sender nothing).
   * @throws TooManyRequestsError (nothing taken)
   */
  charge(principalId: string, bodyBytes: number): void {
    const cost = this.costOf(bodyBytes);
    const answer = this.#buckets.take(principalId, cost);
    if (!answer.ok) {
      throw new TooManyRequestsError(
        `${principalId} proposes faster than this server allows (this proposal of ${bodyBytes} bytes costs ${cost} token${cost === 1 ? '' : 's'}); slow down`,
        answer.retryAfterMs,
      );
    }
  }
}
