import { cpus } from 'node:os';
import { join } from 'node:path';
import { SimulatedClock } from '../../src/engine/clock.ts';
import { createEngine } from '../../src/engine/engine.ts';
import type { Engine } from '../../src/engine/engine-types.ts';
import { openSqliteStore } from '../../src/store/sqlite.ts';
import { expireShortDeadlines, resumeTasks } from './bulk.ts';
import { databaseBytes } from './disk.ts';
import { measureListing } from './listing.ts';
import { parkTasks } from './park.ts';
import { round3 } from './samples.ts';
import type { ScaleResult } from './scale-result.ts';
import { bulkCount } from './workload.ts';

const CONCURRENCY = 64;

/**
 * The scale benchmark at one N, on a fresh SQLite file in `dir` (WAL, `synchronous=FULL`, the
 * real engine on a simulated clock): park N, list the queue, expire N/10 through the sweeper,
 * approve and resume N/10, reopen (store + `recover()`), verify the audit chain.
 * @example const result = await runScale({ n: 100_000, dir: '/tmp/x', log: console.error });
 */
export async function runScale(options: { n: number; dir: string; log: (message: string) => void }): Promise<ScaleResult> {
  const { n, dir, log } = options;
  const dbPath = join(dir, `scale-${n}.db`);
  const clock = new SimulatedClock(Date.parse('2026-01-01T00:00:00.000Z'));
  let store = await openSqliteStore({ path: dbPath });
  let engine: Engine = createEngine({ store, clock });
  try {
    log(`N = ${n.toLocaleString('en')}: parking…`);
    const park = await parkTasks({ engine, clock, n, concurrency: CONCURRENCY, dbPath, log });
    const afterPark = databaseBytes(dbPath);
    log('  listing…');
    const listing = await measureListing(engine, n);
    const bulk = bulkCount(n);
    log(`  expiring ${bulk.toLocaleString('en')} through the sweeper…`);
    const expire = await expireShortDeadlines(engine, clock, bulk);
    log(`  ${expire.perSecond}/s; resuming ${bulk.toLocaleString('en')}…`);
    const resume = await resumeTasks(engine, bulk, CONCURRENCY);
    log(`  ${resume.perSecond}/s; reopening…`);
    await engine.close();
    await store.close();
    const reopenStarted = performance.now();
    store = await openSqliteStore({ path: dbPath });
    engine = createEngine({ store, clock });
    await engine.recover();
    const reopenSeconds = (performance.now() - reopenStarted) / 1000;
    const finalCounts: Record<string, number> = {};
    for (const status of ['pending', 'approved', 'expired'] as const) {
      finalCounts[status] = (await engine.listApprovals({ status, offset: 0, limit: 1 })).total;
    }
    log('  verifying the audit chain…');
    const auditStarted = performance.now();
    const verification = await store.verifyAudit();
    const audit = { entries: verification.entries, seconds: round3((performance.now() - auditStarted) / 1000), ok: verification.ok };
    return {
      n,
      date: new Date().toISOString(),
      node: process.version,
      cpus: cpus().length,
      synchronous: 'FULL',
      concurrency: CONCURRENCY,
      park,
      listing,
      expire,
      resume,
      reopenSeconds: round3(reopenSeconds),
      audit,
      dbBytes: { afterPark, final: databaseBytes(dbPath) },
      finalCounts,
    };
  } finally {
    await engine.close();
    await store.close();
  }
}
