#!/usr/bin/env node
// package.json "postinstall": rewrites the object spreads of XState's hot path into
// Object.assign (src/util/xstate-patch.ts says why; ~1.3× on the task machine alone). It never
// fails an install: when it cannot patch (another XState version, no esbuild), it says so on
// stderr and Tollgate runs unpatched, slower; test/util/xstate-patch.test.ts then fails in CI.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const projectDir = join(dirname(fileURLToPath(import.meta.url)), '..');
try {
  await import('./register-ts.mjs');
  const { patchXstate, xstatePackageDir } = await import('../src/util/xstate-patch.ts');
  const files = patchXstate(xstatePackageDir(projectDir));
  const unmatched = files.filter((file) => file.missing.length > 0);
  if (files.length === 0 || unmatched.length > 0) {
    const where = unmatched.map((file) => `${file.file} (${file.missing.join(', ')})`).join('; ') || 'no runtime files found';
    process.stderr.write(`tollgate: XState left unpatched, its code is not what bin/patch-xstate.mjs rewrites: ${where}\n`);
  }
} catch (error) {
  process.stderr.write(`tollgate: XState left unpatched: ${error instanceof Error ? error.message : String(error)}\n`);
}
