/** Latency samples in milliseconds, and their percentiles. */
export class Latencies {
  #samples: number[] = [];

  add(ms: number): void {
    this.#samples.push(ms);
  }

  /** The p-th percentile (0–100), nearest rank. */
  percentile(p: number): number {
    if (this.#samples.length === 0) return 0;
    const sorted = [...this.#samples].sort((a, b) => a - b);
    const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
    return sorted[rank] ?? 0;
  }
}

/**
 * Runs `work(i)` for i in [0, count) with at most `concurrency` in flight; returns ops/s and
 * the latency of each op.
 */
export async function measure(
  count: number,
  concurrency: number,
  work: (index: number) => Promise<unknown>,
): Promise<{ perSecond: number; latencies: Latencies; seconds: number }> {
  const latencies = new Latencies();
  const seconds = await runTimedPool(0, count, concurrency, work, (ms) => latencies.add(ms));
  return { perSecond: count / seconds, latencies, seconds };
}

/**
 * Runs `work(i)` for i in [from, to) with at most `concurrency` in flight, passing each call's
 * duration in ms to `record`; returns the seconds it took. The loop of every benchmark here.
 * @example const seconds = await runTimedPool(0, 1000, 64, (i) => engine.submit(p(i)), (ms) => samples.add(ms));
 */
export async function runTimedPool(
  from: number,
  to: number,
  concurrency: number,
  work: (index: number) => Promise<unknown>,
  record: (ms: number) => void,
): Promise<number> {
  let next = from;
  const started = process.hrtime.bigint();
  const worker = async () => {
    while (next < to) {
      const index = next;
      next += 1;
      const t0 = process.hrtime.bigint();
      await work(index);
      record(Number(process.hrtime.bigint() - t0) / 1e6);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, to - from)) }, worker));
  return Number(process.hrtime.bigint() - started) / 1e9;
}

/** Forces a full GC (needs `node --expose-gc`) and returns the heap in use. */
export function settledHeap(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run the benchmark with node --expose-gc (npm run bench does)');
  for (let i = 0; i < 4; i += 1) gc();
  return process.memoryUsage().heapUsed;
}
