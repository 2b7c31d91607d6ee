// Module loader hooks: Node runs the project's TypeScript directly, transpiled file by file by
// esbuild (types stripped, nothing checked: `npm run typecheck` does that). Unlike tsx's
// defaults, functions are not wrapped to keep their names (`keepNames`): that wrapper costs a
// property definition on every closure created, which shows on the gate's hot path.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { transform } from 'esbuild';

export async function load(url, context, nextLoad) {
  if (!url.startsWith('file:') || !(url.endsWith('.ts') || url.endsWith('.mts'))) return nextLoad(url, context);
  const path = fileURLToPath(url);
  const source = await readFile(path, 'utf8');
  const { code } = await transform(source, {
    loader: 'ts',
    format: 'esm',
    target: 'node20',
    sourcefile: path,
    sourcemap: 'inline',
    tsconfigRaw: { compilerOptions: { verbatimModuleSyntax: true, useDefineForClassFields: true } },
  });
  return { format: 'module', source: code, shortCircuit: true };
}
