#!/usr/bin/env node
// The `tollgate` command: runs the TypeScript CLI through the project's loader (no build step needed).
import './register-ts.mjs';

// The V8 settings Tollgate's processes run with (src/util/v8-tuning.ts): those that still apply once Node runs.
(await import('../src/util/v8-tuning.ts')).tuneV8ForTheGate();
const { main } = await import('../src/cli/main.ts');
await main(process.argv);
