import { describe, expect, it } from 'vitest';
import { expectExercised } from './expect-exercised.ts';
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
    // The checks above hold on nothing too: the run must have exercised what they check.
    expectExercised(report, 600, text);
    expect(report.quarantine.snapshotVictim.state).toBe('quarantined');
    expect(report.quarantine.approvalVictim.state).toBe('quarantined');
    expect(report.quarantine.bystandersCompleted).toBe(3);
    expect(report.audit.ok).toBe(true);
    // Under a minute on an idle 2-core machine; the margin is for a loaded one (each restart of
    // the real server is a cold Node start).
  }, 240_000);
});
