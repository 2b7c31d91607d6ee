import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/** The visualizer's files as the server sends them. */
export interface VisualizerBundle {
  html: string;
  js: string;
  css: string;
  /** elkjs's browser bundle (it defines the global `ELK`). */
  elk: string;
  icon: string;
}

const root = fileURLToPath(new URL('../../visualizer/', import.meta.url));
let bundle: Promise<VisualizerBundle> | undefined;

/**
 * The visualizer, bundled in memory with esbuild the first time it is asked for (about 0.2 s),
 * then kept for the life of the process: a server always serves the client of its own source,
 * with no build step. A failed build is not kept, so the next request tries again.
 * @example const { html } = await visualizerBundle();
 */
export function visualizerBundle(): Promise<VisualizerBundle> {
  bundle ??= buildBundle().catch((error: unknown) => {
    bundle = undefined;
    throw error;
  });
  return bundle;
}

async function buildBundle(): Promise<VisualizerBundle> {
  const require = createRequire(import.meta.url);
  const [result, html, elk, icon] = await Promise.all([
    build({
      entryPoints: [`${root}src/main.ts`],
      bundle: true,
      write: false,
      outdir: '/visualizer',
      format: 'esm',
      target: 'es2022',
      platform: 'browser',
      minify: true,
      sourcemap: false,
      legalComments: 'none',
      logLevel: 'silent',
    }),
    readFile(`${root}index.html`, 'utf8'),
    readFile(require.resolve('elkjs/lib/elk.bundled.js'), 'utf8'),
    readFile(`${root}icon.svg`, 'utf8'),
  ]);
  const file = (extension: string) => result.outputFiles.find((output) => output.path.endsWith(extension))?.text ?? '';
  return { html, js: file('.js'), css: file('.css'), elk, icon };
}
