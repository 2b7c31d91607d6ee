import { setFlagsFromString } from 'node:v8';

/**
 * The Node flags Tollgate's own processes run with (`npm start`, `npm run bench`, the torture
 * server), measured side by side against Node's defaults by `npm run bench -- --v8`.
 *
 * - `--max-semi-space-size=64`: a task allocates ~150 KB while it runs (most of it XState's
 *   snapshots), so the default 16 MB young generation is collected every ~100 tasks. A larger
 *   one collects 4× less often, at about the same cost per collection.
 * - `--no-allocation-site-pretenuring`: under load, V8 sees XState's actor objects survive a
 *   collection and starts allocating them straight into the old generation. Those objects die
 *   young anyway, and while they wait for a full collection they keep the young objects they
 *   point to alive: every young collection then copies ~2 MB of garbage (2–4 ms pauses instead
 *   of under 1 ms).
 *
 * Embedders can start Node with the same flags; {@link tuneV8ForTheGate} applies what can
 * still be changed once Node runs.
 */
export const GATE_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=64', '--no-allocation-site-pretenuring'];

/** The flags of {@link GATE_NODE_FLAGS} that take effect when set after start (the heap's sizes do not). */
const RUNTIME_FLAGS: readonly string[] = ['--no-allocation-site-pretenuring'];

/**
 * Applies the flags of {@link GATE_NODE_FLAGS} that V8 honours after start, for a process
 * that was not started with them (e.g. `npx tollgate serve`). Process-wide: meant for entry
 * points that own the process, not for a library imported into someone else's.
 * @example tuneV8ForTheGate(); // first thing in a CLI entry point
 */
export function tuneV8ForTheGate(): void {
  for (const flag of RUNTIME_FLAGS) setFlagsFromString(flag);
}
