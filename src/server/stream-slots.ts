import { TooManyRequestsError } from '../errors.ts';

/** What a refused stream is told to wait: a slot frees when one of its streams ends, which nobody can predict. */
export const STREAM_RETRY_AFTER_MS = 5_000;

/**
 * A cap on the open streams of each principal (`/api/v1/events` and `/api/v1/inspect` together):
 * each holds a subscription and a buffer for as long as it is open, so one token must not be
 * able to open them without end. A stream takes a slot when it opens and gives it back when it
 * ends, however it ends (the client closed it or went away, the server shut down).
 * @example
 * const slots = new StreamSlots(16);
 * const release = slots.take('alice'); // throws TooManyRequestsError when alice has 16 open
 * stream.onEnd(release);
 */
export class StreamSlots {
  readonly #maxPerPrincipal: number;
  readonly #open = new Map<string, number>();

  constructor(maxPerPrincipal: number) {
    if (!Number.isInteger(maxPerPrincipal) || maxPerPrincipal < 1) throw new RangeError('at least one stream per principal');
    this.#maxPerPrincipal = maxPerPrincipal;
  }

  /**
   * Takes a slot of `principalId` and answers the function that gives it back (idempotent).
   * @throws TooManyRequestsError when all its slots are taken (nothing is taken then)
   * @example const release = slots.take('alice'); release();
   */
  take(principalId: string): () => void {
    const open = this.#open.get(principalId) ?? 0;
    if (open >= this.#maxPerPrincipal) {
      throw new TooManyRequestsError(
        `${principalId} has ${open} event streams open, the most one principal may; close one first`,
        STREAM_RETRY_AFTER_MS,
      );
    }
    this.#open.set(principalId, open + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.#open.get(principalId) ?? 1) - 1;
      if (left > 0) this.#open.set(principalId, left);
      else this.#open.delete(principalId);
    };
  }

  /**
   * How many streams `principalId` has open.
   * @example slots.openBy('alice') // 2
   */
  openBy(principalId: string): number {
    return this.#open.get(principalId) ?? 0;
  }
}
