// `node --import ./bench/xstate-redirect/register.mjs …` with TOLLGATE_BENCH_XSTATE_ROOT=DIR: the
// process imports `xstate` from DIR/node_modules/xstate instead of the project's. The
// `--xstate-patch` bench runs the lifecycle on a patched and an unpatched copy this way.
import { register } from 'node:module';

const root = process.env.TOLLGATE_BENCH_XSTATE_ROOT;
if (!root) throw new Error('TOLLGATE_BENCH_XSTATE_ROOT must name a directory holding node_modules/xstate');
register('./hooks.mjs', import.meta.url, { data: { root } });
