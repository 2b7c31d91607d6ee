/** Where the engine reads time. Injected, so tests and the sweeper can run on simulated time. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

/** The real wall clock. */
export const systemClock: Clock = { now: () => Date.now() };

/**
 * A clock that moves only when told to.
 * @example
 * const clock = new SimulatedClock(Date.parse('2026-01-01T00:00:00Z'));
 * clock.advance(4 * 3600_000);
 */
export class SimulatedClock implements Clock {
  #now: number;
  constructor(start: number = Date.parse('2026-01-01T00:00:00.000Z')) {
    this.#now = start;
  }
  now(): number {
    return this.#now;
  }
  /** Moves time forward by `ms`. */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError('a clock only moves forward');
    this.#now += ms;
  }
  /** Sets the time; it may not go backwards. */
  set(ms: number): void {
    if (ms < this.#now) throw new RangeError('a clock only moves forward');
    this.#now = ms;
  }
}

let lastMs = Number.NaN;
let lastIso = '';

/**
 * ISO-8601 UTC string of a clock's current time. Cached per millisecond: the engine stamps
 * several events per task transition, and `toISOString` is not free.
 * @example isoNow(systemClock) // '2026-11-24T10:00:00.000Z'
 */
export function isoNow(clock: Clock): string {
  const ms = clock.now();
  if (ms !== lastMs) {
    lastMs = ms;
    lastIso = new Date(ms).toISOString();
  }
  return lastIso;
}
