import type { Clock } from '../engine/clock.ts';

/** A turn: taken (call `end` when the work is done), or refused with how long to wait. */
export type PacedTurn = { ok: true; end: () => void } | { ok: false; retryAfterMs: number };

/**
 * Paces one expensive job per server (`GET /api/v1/audit/verify` walks the whole journal: 39 s
 * at a million entries): one at a time, and after each a rest as long as it took, so however
 * fast requests come the job runs at most half of the time. A request that finds it running or
 * resting is refused at once rather than queued: a queue would run the walks back to back,
 * which is what pacing is for, and would hold a connection per waiting request. The clock is
 * injected, so tests move it instead of sleeping; a clock stepped back shortens no wait and
 * makes none longer than the run it follows.
 * @example
 * const pace = new PacedRun(systemClock);
 * const turn = pace.begin();
 * if (!turn.ok) refuse(turn.retryAfterMs);
 * else try { await verify(); } finally { turn.end(); }
 */
export class PacedRun {
  readonly #clock: Clock;
  #startedAt: number | null = null;
  #lastDurationMs = 0;
  #restUntil = 0;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /**
   * Starts the job's turn if it is neither running nor resting.
   * @example const turn = pace.begin(); if (turn.ok) turn.end();
   */
  begin(): PacedTurn {
    const now = this.#clock.now();
    if (this.#startedAt !== null) {
      // Running: it should end after about as long as last time, then rest as long again.
      const elapsed = Math.max(0, now - this.#startedAt);
      const expected = Math.max(elapsed, this.#lastDurationMs);
      return { ok: false, retryAfterMs: 2 * expected - elapsed };
    }
    const resting = Math.min(this.#restUntil - now, this.#lastDurationMs);
    if (resting > 0) return { ok: false, retryAfterMs: resting };
    const startedAt = now;
    this.#startedAt = startedAt;
    let ended = false;
    return {
      ok: true,
      end: () => {
        if (ended) return;
        ended = true;
        const endedAt = this.#clock.now();
        this.#lastDurationMs = Math.max(0, endedAt - startedAt);
        this.#restUntil = endedAt + this.#lastDurationMs;
        this.#startedAt = null;
      },
    };
  }

  /** Whether a turn is under way. */
  get running(): boolean {
    return this.#startedAt !== null;
  }
}
