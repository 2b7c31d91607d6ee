import type { Latencies } from './stats.ts';

/** One backend's figures at one concurrency — the same keys for Tollgate and its peers. */
export interface Figures {
  auto_per_s: number;
  park_per_s: number;
  resume_per_s: number;
  auto_p50_ms: number;
  auto_p99_ms: number;
  park_p50_ms: number;
  park_p99_ms: number;
  resume_p50_ms: number;
  resume_p99_ms: number;
  heap_bytes_per_parked: number;
}

/** The keys of {@link Figures}, in the order tables and JSON show them. */
export const FIGURE_KEYS = [
  'auto_per_s',
  'park_per_s',
  'resume_per_s',
  'auto_p50_ms',
  'auto_p99_ms',
  'park_p50_ms',
  'park_p99_ms',
  'resume_p50_ms',
  'resume_p99_ms',
  'heap_bytes_per_parked',
] as const satisfies readonly (keyof Figures)[];

/** What one measured phase gives: ops/s and per-op latencies (see `measure`). */
export interface PhaseRun {
  perSecond: number;
  latencies: Latencies;
}

/**
 * Turns the three measured phases and the heap readings around the park phase into figures,
 * identically for every runtime.
 * @example toFigures({ auto, park, resume }, { before, after }, 20_000)
 */
export function toFigures(
  runs: { auto: PhaseRun; park: PhaseRun; resume: PhaseRun },
  heap: { before: number; after: number },
  parkedTasks: number,
): Figures {
  const { auto, park, resume } = runs;
  return {
    auto_per_s: Math.round(auto.perSecond),
    park_per_s: Math.round(park.perSecond),
    resume_per_s: Math.round(resume.perSecond),
    auto_p50_ms: round3(auto.latencies.percentile(50)),
    auto_p99_ms: round3(auto.latencies.percentile(99)),
    park_p50_ms: round3(park.latencies.percentile(50)),
    park_p99_ms: round3(park.latencies.percentile(99)),
    resume_p50_ms: round3(resume.latencies.percentile(50)),
    resume_p99_ms: round3(resume.latencies.percentile(99)),
    heap_bytes_per_parked: Math.max(0, Math.round((heap.after - heap.before) / parkedTasks)),
  };
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
