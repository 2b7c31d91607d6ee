import { describe, expect, it } from 'vitest';
import { CardPositions, SETTLE_MS } from '../../visualizer/src/logic/card-settling.ts';

describe('queue cards that move under the pointer wait before taking a decision', () => {
  it('a card that takes the place of a decided one has not settled; the cards above it have', () => {
    const positions = new CardPositions();
    expect(positions.note([['a-1', 0], ['a-2', 140], ['a-3', 280]], 0)).toEqual(['a-1', 'a-2', 'a-3']);
    expect(positions.settlingLeft('a-2', 100)).toBe(SETTLE_MS - 100);
    expect(positions.settlingLeft('a-2', 5_000)).toBe(0);
    // a-2 is decided by someone else: a-3 slides up into its place 250 ms later.
    expect(positions.note([['a-1', 0], ['a-3', 140]], 5_250)).toEqual(['a-3']);
    expect(positions.settlingLeft('a-1', 5_260)).toBe(0);
    expect(positions.settlingLeft('a-3', 5_260)).toBe(SETTLE_MS - 10);
    expect(positions.settlingLeft('a-3', 5_250 + SETTLE_MS)).toBe(0);
  });

  it('a card that keeps its place in the list but moves on screen with the scroll has not settled', () => {
    const positions = new CardPositions();
    positions.note([['a-1', 0], ['a-2', 140], ['a-3', 280]], 0);
    // Scrolled to the end, a-3 goes: the list clamps its scroll 140 px back, a-1 and a-2 slide down on screen.
    expect(positions.note([['a-1', 0], ['a-2', 140]], 5_000, -140)).toEqual(['a-1', 'a-2']);
    expect(positions.settlingLeft('a-2', 5_100)).toBe(SETTLE_MS - 100);
    // A card that moved up in the list as the scroll moved back stayed on screen, and still counts as moved.
    positions.note([['a-1', 0], ['a-2', 140], ['a-4', 280]], 6_000);
    expect(positions.note([['a-1', 0], ['a-4', 140]], 7_000, -140)).toEqual(['a-1', 'a-4']);
    // No scroll during the change, no move: nothing unsettled.
    expect(positions.note([['a-1', 0], ['a-4', 140]], 8_000, 0)).toEqual([]);
  });

  it('a redraw that moves nothing unsettles nothing; a new card, or one that comes back, has not settled', () => {
    const positions = new CardPositions();
    positions.note([['a-1', 0], ['a-2', 140]], 0);
    expect(positions.note([['a-1', 0], ['a-2', 140.4]], 2_000)).toEqual([]);
    // A riskier approval arrives at the top: everything below it moved.
    expect(positions.note([['c-1', 0], ['a-1', 150], ['a-2', 290]], 3_000)).toEqual(['c-1', 'a-1', 'a-2']);
    positions.note([['a-2', 0]], 4_000);
    expect(positions.note([['a-1', 0], ['a-2', 140]], 9_000)).toEqual(['a-1', 'a-2']);
    expect(positions.settlingLeft('never-seen', 9_000)).toBe(SETTLE_MS);
  });
});
