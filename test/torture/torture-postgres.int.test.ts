import { describe, expect, it } from 'vitest';
import { TEST_PG_URL } from '../store/postgres-harness.ts';
import { expectExercised } from './expect-exercised.ts';
import { renderTortureReport } from './report.ts';
import { runTorture } from './run-torture.ts';

// The crash torture on PostgreSQL, small: ~500 mixed tasks over HTTP against the real server
// on a fresh schema of the test database (dropped at the end), SIGKILLed at least 3 times,
// then corrupt rows; `npm run torture -- --db postgres://…` is the full-size run. Without
// PostgreSQL this fails (runTorture throws "PostgreSQL is unreachable …"); it never skips.
describe('crash torture on PostgreSQL (the real server, SIGKILLed while clients drive it)', () => {
  it('loses nothing, runs nothing unapproved or twice, honours expiries, quarantines only the corrupt tasks', async () => {
    const seed = Number(process.env.TORTURE_SEED ?? Date.now() % 100_000);
    const report = await runTorture({ tasks: 500, clients: 12, kills: 3, seed, dbUrl: TEST_PG_URL });
    const text = renderTortureReport(report, seed);
    console.log(text);
    expect(report.dbUrl).toMatch(/[?&]schema=tollgate_torture_[0-9a-f]+/);
    expect(report.violations, text).toEqual([]);
    expect(report.kills.length).toBeGreaterThanOrEqual(3);
    // The checks above hold on nothing too: the run must have exercised what they check.
    expectExercised(report, 500, text);
    expect(report.quarantine.snapshotVictim.state).toBe('quarantined');
    expect(report.quarantine.approvalVictim.state).toBe('quarantined');
    expect(report.quarantine.approvalVictim.listStatus).toBe(200);
    expect(report.quarantine.bystandersCompleted).toBe(3);
    expect(report.audit.ok).toBe(true);
    // ~30–45 s on a 2-core machine; the margin is for a loaded one (each restart of the real
    // server is a cold Node start, and on PostgreSQL each waits out a 2 s lease takeover).
  }, 300_000);
});
