import { runTimedPool } from '../stats.ts';

/**
 * Latency samples kept off the JS heap (a preallocated `Float64Array`), so that recording a
 * million of them does not show up in the heap checkpoints the scale benchmark takes.
 * @example const s = new OffHeapSamples(1_000); s.add(0.4); s.percentile(99);
 */
export class OffHeapSamples {
  #values: Float64Array;
  #count = 0;

  constructor(capacity: number) {
    this.#values = new Float64Array(capacity);
  }

  get count(): number {
    return this.#count;
  }

  /** Records one sample in milliseconds (ignored past the capacity). */
  add(ms: number): void {
    if (this.#count < this.#values.length) {
      this.#values[this.#count] = ms;
      this.#count += 1;
    }
  }

  /** The p-th percentile (0–100), nearest rank; 0 when empty. */
  percentile(p: number): number {
    if (this.#count === 0) return 0;
    const sorted = this.#values.slice(0, this.#count).sort();
    const rank = Math.min(this.#count - 1, Math.max(0, Math.ceil((p / 100) * this.#count) - 1));
    return sorted[rank] ?? 0;
  }

  /** Forgets every sample (the buffer is kept). */
  clear(): void {
    this.#count = 0;
  }
}

/**
 * Runs `work(i)` for i in [from, to) with at most `concurrency` in flight, timing each call
 * into `samples`; returns the seconds it took.
 * @example const seconds = await runTimed(0, 1000, 64, samples, (i) => engine.submit(p(i)));
 */
export function runTimed(
  from: number,
  to: number,
  concurrency: number,
  samples: OffHeapSamples,
  work: (index: number) => Promise<unknown>,
): Promise<number> {
  return runTimedPool(from, to, concurrency, work, (ms) => samples.add(ms));
}

/** Rounds to three decimals (milliseconds to microseconds). */
export function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
