import { statSync } from 'node:fs';

/**
 * Bytes on disk of a SQLite database: the main file, its WAL and its shared-memory index.
 * @example databaseBytes('/tmp/scale.db') // 734003200
 */
export function databaseBytes(path: string): number {
  let total = 0;
  for (const suffix of ['', '-wal', '-shm']) {
    try {
      total += statSync(`${path}${suffix}`).size;
    } catch {
      // A missing WAL or shm file counts as zero.
    }
  }
  return total;
}
