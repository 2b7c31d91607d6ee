import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ScaleResult } from './scale-result.ts';

/** Where `npm run bench -- --scale N` keeps its results (one entry per N; the chart reads it). */
export const RESULTS_FILE = resolve(import.meta.dirname, 'results.json');
/** Results of the same benchmark before SQLite migration 4 (approval counts), for the chart's comparison. */
export const BEFORE_COUNTS_FILE = resolve(import.meta.dirname, 'results-before-counts-fix.json');

/**
 * Reads the stored results, smallest N first.
 * @example readResults().map((r) => r.n) // [10000, 100000, 1000000]
 */
export function readResults(path: string = RESULTS_FILE): ScaleResult[] {
  if (!existsSync(path)) return [];
  return (JSON.parse(readFileSync(path, 'utf8')) as ScaleResult[]).sort((a, b) => a.n - b.n);
}

/**
 * Stores a run's result, replacing the one of the same N.
 * @example saveResult(await runScale({ n, dir, log }));
 */
export function saveResult(result: ScaleResult, path: string = RESULTS_FILE): void {
  const results = readResults(path).filter((r) => r.n !== result.n);
  results.push(result);
  results.sort((a, b) => a.n - b.n);
  writeFileSync(path, `${JSON.stringify(results, null, 1)}\n`);
}
