import { describe, expect, it } from 'vitest';
import { drawPerFrame, FrameSchedule } from '../../visualizer/src/app/frames.ts';

/** A frame clock driven by the test. */
function frames() {
  let waiting: Array<() => void> = [];
  return {
    request: (callback: () => void) => void waiting.push(callback),
    run() {
      const now = waiting;
      waiting = [];
      for (const callback of now) callback();
    },
    get pending() {
      return waiting.length;
    },
  };
}

describe('a burst of events costs a redraw per frame, not per event', () => {
  it('draws once a frame, with the newest value', () => {
    const frame = frames();
    const drawn: number[] = [];
    const draw = drawPerFrame((value: number) => drawn.push(value), frame.request);
    for (let n = 1; n <= 300; n++) draw(n);
    expect(drawn).toEqual([]);
    expect(frame.pending).toBe(1);
    frame.run();
    expect(drawn).toEqual([300]);
    draw(301);
    frame.run();
    expect(drawn).toEqual([300, 301]);
    frame.run();
    expect(drawn).toEqual([300, 301]);
  });

  it('starts each pulse at most once a frame, when due, and asks for no frame when nothing waits', () => {
    const frame = frames();
    let now = 0;
    const started: string[] = [];
    const pulses = new FrameSchedule<string>((edge) => started.push(edge), () => now, frame.request);
    for (let event = 0; event < 300; event++) {
      pulses.at('proposed→evaluating', 0);
      pulses.at('evaluating→completed', 140);
    }
    expect(frame.pending).toBe(1);
    frame.run();
    expect(started).toEqual(['proposed→evaluating']);
    now = 150;
    frame.run();
    expect(started).toEqual(['proposed→evaluating', 'evaluating→completed']);
    expect(pulses.waiting).toBe(0);
    expect(frame.pending).toBe(0);
  });
});
