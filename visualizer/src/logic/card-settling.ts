/**
 * How long a queue card must stay where it is before its decisions take a click. A card that
 * moves (the one above it was decided elsewhere, a riskier one arrived) or just appeared can be
 * under a pointer aimed at another approval; 700 ms is long enough to see the change and short
 * enough not to slow anyone who is reading the card they mean.
 */
export const SETTLE_MS = 700;

/** The sentence a moved card shows while it settles. */
export const SETTLING_SENTENCE = 'The queue just changed: check this card before deciding.';

/**
 * Where each card of the queue sits (its offset in the list, in CSS pixels) and since when, so
 * the queue can tell which cards moved under a pointer — in the list, or on screen with the list
 * itself (its scroll position clamped when it got shorter). Times are injected: `now` is
 * whatever monotonic clock the caller uses.
 * @example
 * const positions = new CardPositions();
 * positions.note([['a-1', 0], ['a-2', 140]], 0); // ['a-1', 'a-2'] (they just appeared)
 * positions.note([['a-2', 0]], 250); // ['a-2'] (it moved up into a-1's place)
 */
export class CardPositions {
  readonly #seen = new Map<string, { top: number; since: number }>();

  /**
   * Records where the cards are now and returns the ids of those that appeared or moved since
   * the last note. Cards not listed are forgotten (a card that comes back counts as new).
   * @param scrolledBy how far the list's scroll position moved with the change being noted (a
   *   clamp when it got shorter; never the person's own scrolling): a card moved on screen when
   *   its offset did not follow it, even if it kept its place in the list.
   * @example positions.note([['a-1', 0]], 300, -140) // ['a-1'] (the list scrolled back under it)
   */
  note(positions: Iterable<readonly [id: string, top: number]>, now: number, scrolledBy = 0): string[] {
    const moved: string[] = [];
    const present = new Set<string>();
    for (const [id, top] of positions) {
      present.add(id);
      const seen = this.#seen.get(id);
      if (seen && Math.abs(seen.top - top) < 1 && Math.abs(seen.top - (top - scrolledBy)) < 1) continue;
      this.#seen.set(id, { top, since: now });
      moved.push(id);
    }
    for (const id of this.#seen.keys()) if (!present.has(id)) this.#seen.delete(id);
    return moved;
  }

  /** Milliseconds until a card has stayed put for `SETTLE_MS` (0: it has); an unknown card has not settled at all. */
  settlingLeft(id: string, now: number): number {
    const seen = this.#seen.get(id);
    if (!seen) return SETTLE_MS;
    return Math.max(0, seen.since + SETTLE_MS - now);
  }
}
