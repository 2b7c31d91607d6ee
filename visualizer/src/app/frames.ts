/** Asks for a callback before the next paint (`requestAnimationFrame` in the page; injected in tests). */
export type RequestFrame = (callback: () => void) => void;

/** The page's frame clock. (Read from globalThis: this file is also compiled, and tested, without the DOM's types.) */
export const nextFrame: RequestFrame = (callback) => {
  (globalThis as unknown as { requestAnimationFrame(callback: () => void): number }).requestAnimationFrame(() => callback());
};

/**
 * Draws at most once per animation frame, with the latest value: a burst of hundreds of events
 * that each change the task list or the queue costs one redraw per frame, not one per event.
 * @example const drawTasks = drawPerFrame((tasks: Task[]) => list.show(tasks)); bus.on('tasks', drawTasks);
 */
export function drawPerFrame<T>(draw: (value: T) => void, requestFrame: RequestFrame = nextFrame): (value: T) => void {
  let pending = false;
  let latest: T;
  return (value) => {
    latest = value;
    if (pending) return;
    pending = true;
    requestFrame(() => {
      pending = false;
      draw(latest);
    });
  };
}

/**
 * Starts things (animations) when they fall due, at most once per frame each: scheduling a key
 * that is already waiting keeps the earlier time, so a burst of events that pulse the same
 * transition pulses it once, and nothing runs outside a frame.
 * @example const pulses = new FrameSchedule<Element>((edge) => replay(edge), () => performance.now()); pulses.at(edge, 140);
 */
export class FrameSchedule<K> {
  readonly #due = new Map<K, number>();
  readonly #start: (key: K) => void;
  readonly #now: () => number;
  readonly #requestFrame: RequestFrame;
  #framed = false;

  constructor(start: (key: K) => void, now: () => number, requestFrame: RequestFrame = nextFrame) {
    this.#start = start;
    this.#now = now;
    this.#requestFrame = requestFrame;
  }

  /** Starts `key` in the first frame at least `delayMs` from now (or earlier, if it already waits for an earlier one). */
  at(key: K, delayMs: number): void {
    const due = this.#now() + delayMs;
    const waiting = this.#due.get(key);
    if (waiting === undefined || due < waiting) this.#due.set(key, due);
    this.#frame();
  }

  /** How many keys wait. */
  get waiting(): number {
    return this.#due.size;
  }

  #frame(): void {
    if (this.#framed) return;
    this.#framed = true;
    this.#requestFrame(() => {
      this.#framed = false;
      const now = this.#now();
      for (const [key, due] of this.#due) {
        if (due > now) continue;
        this.#due.delete(key);
        this.#start(key);
      }
      if (this.#due.size > 0) this.#frame();
    });
  }
}
