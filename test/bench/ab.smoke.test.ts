import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AB_PHASES, type AbChunk, type AbChunks, abRatio } from '../../bench/ab/chunks.ts';
import { runJsonChild } from '../../bench/json-child.ts';
import { GATE_NODE_FLAGS } from '../../src/util/v8-tuning.ts';

const PROJECT_DIR = fileURLToPath(new URL('../..', import.meta.url));
const RUN_TS = fileURLToPath(new URL('../../bin/run-ts.mjs', import.meta.url));
const CHILD = fileURLToPath(new URL('../../bench/ab/interleaved.ts', import.meta.url));

const chunks = (...rates: number[]): AbChunk[] => rates.map((perSecond) => ({ perSecond, cpuMicros: 1e6 / perSecond }));
const run = (first: 'base' | 'head', base: AbChunk[], head: AbChunk[]): AbChunks => ({
  store: 'sqlite',
  first,
  chunk: 1000,
  concurrency: 64,
  phases: { auto: { base, head }, park: { base, head }, resume: { base, head } },
});

describe('npm run bench -- --ab', () => {
  it('averages head ÷ base over the runs, so that a run with each side first weighs the same, and counts the pairs head won', () => {
    // The side opened first is 10 % faster in each run, whatever its code: the average cancels it.
    const baseFirst = run('base', chunks(1100, 1100), chunks(1000, 1000));
    const headFirst = run('head', chunks(1000, 1000), chunks(1100, 1100));
    const ratio = abRatio([baseFirst, headFirst], 'resume');
    expect(ratio.perSecond).toBeCloseTo((1000 / 1100 + 1100 / 1000) / 2, 10);
    expect(ratio.cpuMicros).toBeCloseTo((1100 / 1000 + 1000 / 1100) / 2, 10);
    expect(ratio).toMatchObject({ headAhead: 2, pairs: 4 });
    const one = abRatio([run('base', chunks(1000, 1000, 1000), chunks(1200, 900, 1000))], 'auto');
    expect(one.perSecond).toBeCloseTo(31 / 30, 10);
    expect(one).toMatchObject({ headAhead: 1, pairs: 3 });
  });

  // Keeps the interleaved run from rotting: this checkout against itself, a few hundred tasks, shapes only (timings belong to bench/).
  it('drives both builds through auto, park and resume in alternating chunks and prints every chunk', async () => {
    const args = ['--expose-gc', ...GATE_NODE_FLAGS, RUN_TS, CHILD, '--base', PROJECT_DIR, '--store', 'sqlite', '--first', 'head', '--tasks', '300', '--chunk', '100'];
    const result = await runJsonChild<AbChunks>(args, 'the interleaved run');
    expect(result).toMatchObject({ store: 'sqlite', first: 'head', chunk: 100, concurrency: 64 });
    for (const phase of AB_PHASES) {
      for (const side of ['base', 'head'] as const) {
        expect(result.phases[phase][side]).toHaveLength(3);
        for (const chunk of result.phases[phase][side]) expect(chunk.perSecond > 0 && chunk.cpuMicros > 0).toBe(true);
      }
    }
  });
});
