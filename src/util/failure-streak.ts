import type { Logger } from 'pino';
import { failureSummary, storeUnavailableReason } from '../store/store-outage.ts';

/** How often a failure that goes on is told again. */
const REMIND_EVERY_MS = 60_000;

/**
 * The log of something retried on a timer (a sweep, a LISTEN connection) while it keeps
 * failing, so that an outage of minutes is a handful of lines rather than one stack trace per
 * attempt: the first failure at warn with the error's code and message (no stack: an outage
 * is not a bug, and the same stack every second tells nothing new; a failure that is not a
 * store outage gets its stack in that first line, once), then at most one warn a
 * minute while it goes on ("still failing, N times since …"), and one info line when it
 * works again.
 * @example const streak = new FailureStreak(logger, 'sweep'); try { await sweep(); streak.succeeded(); } catch (error) { streak.failed(error); }
 */
export class FailureStreak {
  readonly #logger: Logger;
  readonly #what: string;
  readonly #now: () => number;
  #since: number | null = null;
  #failures = 0;
  #toldAt = 0;

  /** `what`: the thing that fails, as the log lines name it ("sweep"); `now`: the clock (tests move it). */
  constructor(logger: Logger, what: string, now: () => number = Date.now) {
    this.#logger = logger;
    this.#what = what;
    this.#now = now;
  }

  /** Whether the last attempt failed. */
  get failing(): boolean {
    return this.#since !== null;
  }

  /** An attempt failed: told if it is the first, or the last telling is a minute old. */
  failed(error: unknown): void {
    const now = this.#now();
    this.#failures += 1;
    const summary = failureSummary(error);
    if (this.#since === null) {
      this.#since = now;
      this.#toldAt = now;
      const bug = storeUnavailableReason(error) === undefined && error instanceof Error;
      this.#logger.warn({ ...summary, ...(bug ? { stack: error.stack } : {}) }, `${this.#what} failed; retrying`);
      return;
    }
    if (now - this.#toldAt < REMIND_EVERY_MS) return;
    this.#toldAt = now;
    const since = new Date(this.#since).toISOString();
    this.#logger.warn({ ...summary, failures: this.#failures, since }, `${this.#what} still failing, ${this.#failures} times since ${since}`);
  }

  /** An attempt worked: told once, if it had been failing. */
  succeeded(): void {
    if (this.#since === null) return;
    const since = new Date(this.#since).toISOString();
    this.#logger.info({ failures: this.#failures, since, downMs: this.#now() - this.#since }, `${this.#what} works again after ${this.#failures} failures since ${since}`);
    this.#since = null;
    this.#failures = 0;
  }
}
