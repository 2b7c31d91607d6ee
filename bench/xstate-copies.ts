import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { restoreXstateSource, rewriteXstateSource, xstatePackageDir, xstateRuntimeFiles } from '../src/util/xstate-patch.ts';

/** Two copies of the project's XState, each under `ROOT/node_modules/xstate`: as published, and patched. */
export interface XstateCopies {
  unpatched: string;
  patched: string;
  /** Removes both. */
  remove(): void;
}

/**
 * Copies the installed XState twice into a temporary directory: one copy with the spreads of
 * src/util/xstate-patch.ts as XState publishes them, one rewritten. Both start from the same text,
 * whether or not the installed copy is patched. Throws if the rewrite does not apply.
 * @example const copies = makeXstateCopies(projectDir); try { … } finally { copies.remove(); }
 */
export function makeXstateCopies(projectDir: string): XstateCopies {
  const source = xstatePackageDir(projectDir);
  const base = mkdtempSync(join(tmpdir(), 'tollgate-xstate-'));
  const roots = { unpatched: join(base, 'unpatched'), patched: join(base, 'patched') };
  for (const [kind, root] of Object.entries(roots)) {
    const target = join(root, 'node_modules', 'xstate');
    cpSync(source, target, { recursive: true });
    for (const file of xstateRuntimeFiles(target)) {
      const published = restoreXstateSource(readFileSync(file, 'utf8'));
      if (kind === 'unpatched') {
        writeFileSync(file, published);
        continue;
      }
      const { text, missing } = rewriteXstateSource(published);
      if (missing.length > 0) throw new Error(`the XState rewrite does not apply to ${file}: ${missing.join(', ')} not found`);
      writeFileSync(file, text);
    }
  }
  return { ...roots, remove: () => rmSync(base, { recursive: true, force: true }) };
}
