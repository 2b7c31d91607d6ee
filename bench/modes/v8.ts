import { GATE_NODE_FLAGS } from '../../src/util/v8-tuning.ts';
import { compareLifecycles, renderLifecycleComparison } from '../lifecycle-ab.ts';
import type { BenchOptions } from '../options.ts';

/** Runs of each setting; they alternate, so that a drift in the machine's load favours neither. */
const ROUNDS = 2;

/**
 * `--v8`: the lifecycle bench (the default mode) in fresh processes, with Node's defaults and with
 * `GATE_NODE_FLAGS` (src/util/v8-tuning.ts), alternating, {@link ROUNDS} runs each. Prints the mean
 * of each setting's runs and their ratio; with `--json`, one JSON line `{ "v8": { "flags": […], "defaults": [runs], "gate": [runs] } }`.
 * @example await run({ json: false, tasks: 20_000, sequentialTasks: 5_000 })
 */
export async function run(options: BenchOptions): Promise<void> {
  const [defaults, gate] = await compareLifecycles(
    options,
    [
      { label: "Node's defaults", nodeArgs: [] },
      { label: GATE_NODE_FLAGS.join(' '), nodeArgs: GATE_NODE_FLAGS },
    ],
    ROUNDS,
  );
  process.stdout.write(`Node's defaults against ${GATE_NODE_FLAGS.join(' ')} (mean of ${ROUNDS} runs each; for latencies < 1× is better):\n`);
  process.stdout.write(renderLifecycleComparison(['defaults', 'gate flags'], [defaults, gate]));
  if (options.json) process.stdout.write(`${JSON.stringify({ v8: { flags: GATE_NODE_FLAGS, defaults, gate } })}\n`);
}
