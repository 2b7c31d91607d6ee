import { describe, expect, it } from 'vitest';
import { formatAgo, formatCountdown, msUntil, refreshAgo, urgency } from '../../visualizer/src/logic/countdown.ts';

describe('countdowns', () => {
  it('formats time left the way people read it', () => {
    expect(formatCountdown(null)).toBe('no deadline');
    expect(formatCountdown(0)).toBe('expiring…');
    expect(formatCountdown(-5_000)).toBe('expiring…');
    expect(formatCountdown(400)).toBe('1s');
    expect(formatCountdown(42_000)).toBe('42s');
    expect(formatCountdown(60_000)).toBe('1m 00s');
    expect(formatCountdown(12 * 60_000 + 9_000)).toBe('12m 09s');
    expect(formatCountdown(3_723_000)).toBe('1h 02m');
    expect(formatCountdown(2 * 86_400_000 + 4 * 3_600_000 + 59_000)).toBe('2d 4h');
  });

  it('grades urgency for colour', () => {
    expect(urgency(null)).toBe('none');
    expect(urgency(-1)).toBe('past');
    expect(urgency(4 * 60_000)).toBe('urgent');
    expect(urgency(30 * 60_000)).toBe('soon');
    expect(urgency(2 * 3_600_000)).toBe('calm');
  });

  it('measures to a deadline and back from a time', () => {
    const now = Date.parse('2026-03-01T09:00:00Z');
    expect(msUntil('2026-03-01T10:00:00Z', now)).toBe(3_600_000);
    expect(msUntil(null, now)).toBeNull();
    expect(msUntil('not a date', now)).toBeNull();
    expect(formatAgo('2026-03-01T08:57:00Z', now)).toBe('3m ago');
    expect(formatAgo('2026-03-01T09:00:00Z', now)).toBe('just now');
    expect(formatAgo('2026-02-27T09:00:00Z', now)).toBe('2d ago');
  });
});

describe('the task list\'s "Updated" times', () => {
  it('are brought up to date between redraws, writing only those that changed', () => {
    const at = Date.parse('2030-01-01T09:00:00Z');
    const cells = [
      { title: '2030-01-01T09:00:00Z', textContent: 'just now' },
      { title: '2030-01-01T08:00:00Z', textContent: '1h ago' },
    ];
    expect(refreshAgo(cells, at + 3 * 60_000)).toBe(1);
    expect(cells.map((cell) => cell.textContent)).toEqual(['3m ago', '1h ago']);
    expect(refreshAgo(cells, at + 3 * 60_000)).toBe(0);
  });
});
