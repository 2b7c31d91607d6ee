import { expect } from 'vitest';
import type { TortureReport } from './run-torture.ts';

/**
 * The invariants of a small torture run hold on nothing too: checks that the run exercised what
 * they check — about 70 % of `tasks` complete, ~5 % expire, decisions both took effect and
 * conflicted, nearly every task was seen terminal at least once. `text` is the rendered report,
 * shown when one fails.
 * @example expectExercised(report, 600, renderTortureReport(report, seed));
 */
export function expectExercised(report: TortureReport, tasks: number, text: string): void {
  const { counts } = report.verdict;
  expect(counts.acknowledged, text).toBeGreaterThanOrEqual(tasks);
  expect(counts.completed, text).toBeGreaterThanOrEqual(tasks / 4);
  expect(counts.approvalsExpired, text).toBeGreaterThan(0);
  expect(report.decisions.won, text).toBeGreaterThan(0);
  expect(report.decisions.conflicts, text).toBeGreaterThan(0);
  expect(counts.terminalObservationsChecked, text).toBeGreaterThanOrEqual(tasks / 2);
}
