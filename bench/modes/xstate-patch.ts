import { fileURLToPath } from 'node:url';
import { GATE_NODE_FLAGS } from '../../src/util/v8-tuning.ts';
import { compareLifecycles, renderLifecycleComparison } from '../lifecycle-ab.ts';
import type { BenchOptions } from '../options.ts';
import { makeXstateCopies } from '../xstate-copies.ts';

const PROJECT_DIR = fileURLToPath(new URL('../..', import.meta.url));
const REDIRECT = fileURLToPath(new URL('../xstate-redirect/register.mjs', import.meta.url));
/** Runs of each setting; they alternate, so that a drift in the machine's load favours neither. */
const ROUNDS = 2;

/**
 * `--xstate-patch`: the lifecycle bench (the default mode) in fresh processes on XState as published
 * and on XState with the rewrites of src/util/xstate-patch.ts (its hot-path spreads, a snapshot's
 * state value and tag set), alternating,
 * {@link ROUNDS} runs each, both with Tollgate's V8 flags. Prints the mean of each and their ratio;
 * with `--json`, one JSON line `{ "xstate_patch": { "unpatched": [runs], "patched": [runs] } }`.
 * @example await run({ json: false, tasks: 20_000, sequentialTasks: 5_000 })
 */
export async function run(options: BenchOptions): Promise<void> {
  const copies = makeXstateCopies(PROJECT_DIR);
  try {
    const on = (label: string, root: string) => ({
      label,
      nodeArgs: [...GATE_NODE_FLAGS, '--import', REDIRECT],
      env: { TOLLGATE_BENCH_XSTATE_ROOT: root },
    });
    const [unpatched, patched] = await compareLifecycles(options, [on('XState as published', copies.unpatched), on('XState patched', copies.patched)], ROUNDS);
    process.stdout.write(`XState as published against XState patched by bin/patch-xstate.mjs (mean of ${ROUNDS} runs each; for latencies < 1× is better):\n`);
    process.stdout.write(renderLifecycleComparison(['published', 'patched'], [unpatched, patched]));
    if (options.json) process.stdout.write(`${JSON.stringify({ xstate_patch: { unpatched, patched } })}\n`);
  } finally {
    copies.remove();
  }
}
