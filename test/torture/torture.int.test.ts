import { describe, expect, it } from 'vitest';
import { renderTortureReport } from './report.ts';
import { runTorture } from './run-torture.ts';

// The crash torture, small: ~600 mixed tasks over HTTP against the real server on SQLite,
// SIGKILLed at least 3 times, then corrupt rows; `npm run torture` is the full-size run.
describe('crash torture (the real server, SIGKILLed while clients drive it)', () => {
  it('loses nothing, runs nothing unapproved or twice, honours expiries, quarantines only the corrupt tasks', async () => {
    const seed = Number(process.env.TORTURE_SEED ?? Date.now() % 100_000);
    const report = await runTorture({ tasks: 600, clients: 12, kills: 3, seed });
    const text = renderTortureReport(report, seed);
    console.log(text);
    expect(report.violations, text).toEqual([]);
    expect(report.kills.length).toBeGreaterThanOrEqual(3);
    expect(report.verdict.counts.acknowledged).toBeGreaterThanOrEqual(600);
    // The checks above hold on nothing too: the run must have exercised what they check (about
    // 70% of tasks complete, ~5% expire, and nearly every task is seen terminal at least once).
    const { counts } = report.verdict;
    expect(counts.completed, text).toBeGreaterThanOrEqual(600 / 4);
    expect(counts.approvalsExpired, text).toBeGreaterThan(0);
    expect(report.decisions.won, text).toBeGreaterThan(0);
    expect(report.decisions.conflicts, text).toBeGreaterThan(0);
    expect(counts.terminalObservationsChecked, text).toBeGreaterThanOrEqual(600 / 2);
    expect(report.quarantine.snapshotVictim.state).toBe('quarantined');
    expect(report.quarantine.approvalVictim.state).toBe('quarantined');
    expect(report.quarantine.bystandersCompleted).toBe(3);
    expect(report.audit.ok).toBe(true);
    // Under a minute on an idle 2-core machine; the margin is for a loaded one (each restart of
    // the real server is a cold Node start).
  }, 240_000);
});
