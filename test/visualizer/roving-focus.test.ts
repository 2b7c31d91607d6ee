import { describe, expect, it } from 'vitest';
import { rovingTarget } from '../../visualizer/src/logic/roving-focus.ts';

describe('rovingTarget: where the arrow keys take the focus in a one-tab-stop list', () => {
  it('moves by one, by a page, to the ends, never past them', () => {
    expect([rovingTarget('ArrowDown', 0, 5), rovingTarget('ArrowUp', 0, 5), rovingTarget('ArrowDown', 4, 5)]).toEqual([1, 0, 4]);
    expect([rovingTarget('PageDown', 2, 30), rovingTarget('PageUp', 2, 30), rovingTarget('PageDown', 25, 30)]).toEqual([12, 0, 29]);
    expect([rovingTarget('Home', 7, 30), rovingTarget('End', 7, 30)]).toEqual([0, 29]);
  });

  it('leaves other keys (Tab, letters) and empty lists alone', () => {
    expect([rovingTarget('Tab', 1, 5), rovingTarget('a', 1, 5), rovingTarget('ArrowDown', 0, 0)]).toEqual([null, null, null]);
  });
});
