import { describe, expect, it } from 'vitest';
import { retryAfterMs } from '../../src/util/retry-after.ts';

const NOW = Date.parse('2026-12-07T10:00:00Z');

describe('retryAfterMs', () => {
  it('reads delay-seconds', () => {
    expect(retryAfterMs('0', NOW)).toBe(0);
    expect(retryAfterMs('3', NOW)).toBe(3000);
    expect(retryAfterMs(' 120 ', NOW)).toBe(120_000);
  });

  it('reads the three HTTP-date forms, a past date as no wait', () => {
    expect(retryAfterMs('Mon, 07 Dec 2026 10:00:05 GMT', NOW)).toBe(5000);
    expect(retryAfterMs('Monday, 07-Dec-26 10:00:05 GMT', NOW)).toBe(5000);
    expect(retryAfterMs('Mon Dec  7 10:00:05 2026', NOW)).toBe(5000);
    expect(retryAfterMs('Sun, 06 Nov 1994 08:49:37 GMT', NOW)).toBe(0);
  });

  it('gives nothing for what is absent or malformed, including what Date.parse alone would take for a date', () => {
    for (const header of [null, undefined, '', '  ', '-1', '1.5', '3 seconds', '1 2', 'tomorrow', '2026-12-07T10:00:05Z', 'Mon, 07 Dec 2026 10:00:05 CET', '1234567890']) {
      expect(retryAfterMs(header, NOW), String(header)).toBeUndefined();
    }
  });
});
