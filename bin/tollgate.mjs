#!/usr/bin/env node
// The `tollgate` command: runs the TypeScript CLI through the project's loader (no build step needed).
import './register-ts.mjs';

const { main } = await import('../src/cli/main.ts');
await main(process.argv);
