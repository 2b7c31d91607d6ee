import { loadavg } from 'node:os';
import type { SimulatedClock } from '../../src/engine/clock.ts';
import type { Engine } from '../../src/engine/engine-types.ts';
import { settledHeap } from '../stats.ts';
import { databaseBytes } from './disk.ts';
import { OffHeapSamples, round3, runTimed } from './samples.ts';
import type { ParkCheckpoint, ScaleResult } from './scale-result.ts';
import { parkedProposal } from './workload.ts';

/**
 * Parks `n` tasks through the engine, `concurrency` in flight, in ten segments; after each,
 * the workers pause for a heap reading (after full GC) and the database size. The simulated
 * clock moves 1 ms per task, as if they arrived at 1,000/s. Latencies are kept off the heap.
 * @example const park = await parkTasks({ engine, clock, n: 10_000, concurrency: 64, dbPath, log });
 */
export async function parkTasks(options: {
  engine: Engine;
  clock: SimulatedClock;
  n: number;
  concurrency: number;
  dbPath: string;
  log: (message: string) => void;
}): Promise<ScaleResult['park']> {
  const { engine, clock, n, concurrency, dbPath } = options;
  const samples = new OffHeapSamples(n);
  const checkpoints: ParkCheckpoint[] = [];
  const baseline = settledHeap();
  checkpoints.push({ parked: 0, seconds: 0, segmentPerSecond: 0, heapUsedBytes: baseline, dbBytes: databaseBytes(dbPath), load1: round3(loadavg()[0] ?? 0) });
  let seconds = 0;
  const segments = 10;
  for (let segment = 0; segment < segments; segment += 1) {
    const from = Math.floor((n * segment) / segments);
    const to = Math.floor((n * (segment + 1)) / segments);
    const took = await runTimed(from, to, concurrency, samples, async (i) => {
      clock.advance(1);
      const { task } = await engine.submit(parkedProposal(i));
      if (task.state !== 'parked') throw new Error(`task ${i} is ${task.state}, expected parked`);
    });
    seconds += took;
    const checkpoint: ParkCheckpoint = {
      parked: to,
      seconds: round3(seconds),
      segmentPerSecond: Math.round((to - from) / took),
      heapUsedBytes: settledHeap(),
      dbBytes: databaseBytes(dbPath),
      load1: round3(loadavg()[0] ?? 0),
    };
    checkpoints.push(checkpoint);
    options.log(
      `  parked ${to.toLocaleString('en')} in ${checkpoint.seconds} s (${checkpoint.segmentPerSecond}/s now), ` +
        `heap ${(checkpoint.heapUsedBytes / 2 ** 20).toFixed(1)} MiB, db ${(checkpoint.dbBytes / 2 ** 20).toFixed(0)} MiB, load ${checkpoint.load1}`,
    );
  }
  return {
    seconds: round3(seconds),
    perSecond: Math.round(n / seconds),
    p50Ms: round3(samples.percentile(50)),
    p99Ms: round3(samples.percentile(99)),
    checkpoints,
  };
}
