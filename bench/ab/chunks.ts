/** The phases `--ab` compares, in the order each run goes through them (a resume needs a park). */
export const AB_PHASES = ['auto', 'park', 'resume'] as const;
export type AbPhase = (typeof AB_PHASES)[number];

/** The two builds compared: the checkout at the given revision, and this one. */
export type AbSide = 'base' | 'head';

/** One chunk of tasks on one side: its throughput and the process's CPU per task meanwhile. */
export interface AbChunk {
  perSecond: number;
  cpuMicros: number;
}

/** What one interleaved run (bench/ab/interleaved.ts) prints: every chunk of every phase, per side. */
export interface AbChunks {
  store: 'memory' | 'sqlite';
  /** The side opened first, and first in the even rounds. */
  first: AbSide;
  chunk: number;
  concurrency: number;
  phases: Record<AbPhase, Record<AbSide, AbChunk[]>>;
}

/** head ÷ base for one phase over several runs: tasks/s and CPU per task, with how the pairs fell. */
export interface AbRatio {
  /** Mean of the runs' ratios of mean tasks/s (each run weighs the same, whichever side went first). */
  perSecond: number;
  /** The same for CPU µs per task (below 1: head needs less). */
  cpuMicros: number;
  /** Chunk pairs (same round) in which head was faster, and how many pairs there were. */
  headAhead: number;
  pairs: number;
}

const mean = (values: readonly number[]): number => values.reduce((sum, value) => sum + value, 0) / values.length;

/**
 * Compares the two sides of one phase over runs made with each side first. Averaging the runs'
 * ratios (not pooling the chunks) cancels what the opening order does, which in a same-code run
 * here was 2–5 %.
 * @example abRatio([baseFirstRun, headFirstRun], 'resume').perSecond // 1.06: head 6 % faster
 */
export function abRatio(runs: readonly AbChunks[], phase: AbPhase): AbRatio {
  let headAhead = 0;
  let pairs = 0;
  const perSecond: number[] = [];
  const cpuMicros: number[] = [];
  for (const run of runs) {
    const { base, head } = run.phases[phase];
    perSecond.push(mean(head.map((chunk) => chunk.perSecond)) / mean(base.map((chunk) => chunk.perSecond)));
    cpuMicros.push(mean(head.map((chunk) => chunk.cpuMicros)) / mean(base.map((chunk) => chunk.cpuMicros)));
    for (const [index, chunk] of head.entries()) {
      const other = base[index];
      if (!other) continue;
      pairs += 1;
      if (chunk.perSecond > other.perSecond) headAhead += 1;
    }
  }
  return { perSecond: mean(perSecond), cpuMicros: mean(cpuMicros), headAhead, pairs };
}
