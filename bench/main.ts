// npm run bench [-- --json] [-- --tasks N] [-- --sequential-tasks N] [-- --peers]
// The benchmark entry point, a dispatcher: the first mode flag found in the arguments picks
// the mode, which parses its own options and runs. Without one, the Tollgate lifecycle
// (modes/lifecycle.ts); --peers: Tollgate against LangGraph.js (modes/peers.ts). A new mode
// is one line in MODES. See bench/README.md.
import { parseBenchOptions } from './options.ts';

const MODES: Record<string, () => Promise<unknown>> = {
  // --peers [--equal-durability]: also LangGraph.js, same workload; Tollgate's SQLite at NORMAL with the flag.
  peers: async () =>
    (await import('./modes/peers.ts')).run(parseBenchOptions({ peers: { type: 'boolean' }, 'equal-durability': { type: 'boolean' } }), {
      equalDurability: args.includes('--equal-durability'),
    }),
  // --writers: SQLite with the writer on the engine's thread and on the writer thread, side by side.
  writers: async () => (await import('./modes/writers.ts')).run(parseBenchOptions({ writers: { type: 'boolean' } })),
  // --v8: the default mode with Node's defaults and with Tollgate's V8 flags, side by side.
  v8: async () => (await import('./modes/v8.ts')).run(parseBenchOptions({ v8: { type: 'boolean' } })),
  // --xstate-patch: the default mode on XState as published and with src/util/xstate-patch.ts applied, side by side.
  'xstate-patch': async () => (await import('./modes/xstate-patch.ts')).run(parseBenchOptions({ 'xstate-patch': { type: 'boolean' } })),
  // --ab REV [--store sqlite|memory|both] [--runs N]: this checkout against commit REV, interleaved in one process.
  ab: async () => (await import('./modes/ab.ts')).run(),
  // --postgres [--tasks N]: tasks/s for 1, 2 and 4 worker processes on one PostgreSQL database.
  postgres: () => import('./postgres/main.ts'),
  // --scale N[,N…]: bench/scale/main.ts parses its own arguments and runs when imported.
  scale: () => import('./scale/main.ts'),
};
const lifecycle = async () => (await import('./modes/lifecycle.ts')).run(parseBenchOptions());

const args = process.argv.slice(2);
const requested = Object.keys(MODES).filter((name) => args.some((arg) => arg === `--${name}` || arg.startsWith(`--${name}=`)));
if (requested.length > 1) {
  process.stderr.write(`choose one mode: --${requested.join(', --')}\n`);
  process.exit(2);
}
await (requested[0] === undefined ? lifecycle : (MODES[requested[0]] ?? lifecycle))();
