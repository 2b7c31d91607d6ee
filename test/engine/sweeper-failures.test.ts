import { type Logger, pino } from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { SimulatedClock } from '../../src/engine/clock.ts';
import { createEngine } from '../../src/engine/engine.ts';
import { startSweeper } from '../../src/engine/sweeper.ts';
import { createMemoryStore } from '../../src/store/memory.ts';
import { FailureStreak } from '../../src/util/failure-streak.ts';
import { connectionRefused } from '../support/outage-store.ts';

type Line = Record<string, unknown> & { level: number; msg: string };

function recordingLogger(): { logger: Logger; lines: Line[] } {
  const lines: Line[] = [];
  const logger: Logger = pino({ level: 'debug' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  return { logger, lines };
}

describe('FailureStreak (the log of something retried while it keeps failing)', () => {
  it('tells the first failure at warn without a stack, then once a minute, then the recovery at info', () => {
    const { logger, lines } = recordingLogger();
    let now = Date.parse('2026-03-01T09:00:00.000Z');
    const streak = new FailureStreak(logger, 'sweep', () => now);
    streak.succeeded();
    expect(lines).toEqual([]);
    for (let second = 0; second < 150; second += 1) {
      streak.failed(connectionRefused());
      now += 1_000;
    }
    expect(lines.map((line) => [line.level, line.msg])).toEqual([
      [40, 'sweep failed; retrying'],
      [40, 'sweep still failing, 61 times since 2026-03-01T09:00:00.000Z'],
      [40, 'sweep still failing, 121 times since 2026-03-01T09:00:00.000Z'],
    ]);
    expect(lines[0]).toMatchObject({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:5432' });
    expect(JSON.stringify(lines)).not.toMatch(/stack|\\n\s+at /);
    streak.succeeded();
    streak.succeeded();
    expect(lines.slice(3).map((line) => [line.level, line.msg])).toEqual([[30, 'sweep works again after 150 failures since 2026-03-01T09:00:00.000Z']]);
    // A new outage starts a new streak.
    streak.failed(connectionRefused());
    expect(lines.at(-1)?.msg).toBe('sweep failed; retrying');
  });

  it('gives a failure that is not an outage (a bug) its stack, once', () => {
    const { logger, lines } = recordingLogger();
    const streak = new FailureStreak(logger, 'sweep', () => 0);
    streak.failed(new TypeError('x is not a function'));
    expect(lines[0]).toMatchObject({ level: 40, message: 'x is not a function', stack: expect.stringContaining('TypeError') });
  });
});

describe('the sweeper while its store is down', () => {
  it('logs the first failure, a reminder a minute later, and the recovery — not a stack every interval', async () => {
    const clock = new SimulatedClock(Date.parse('2026-03-01T09:00:00.000Z'));
    const engine = createEngine({ store: createMemoryStore(), clock });
    const { logger, lines } = recordingLogger();
    let down = true;
    let sweeps = 0;
    vi.spyOn(engine, 'maintain').mockImplementation(async () => {
      sweeps += 1;
      clock.advance(1_000);
      if (down) throw connectionRefused();
    });
    const sweeper = startSweeper(engine, { intervalMs: 1, logger });
    await vi.waitFor(() => expect(sweeps).toBeGreaterThanOrEqual(70), { timeout: 5_000, interval: 5 });
    down = false;
    const failed = sweeps;
    await vi.waitFor(() => expect(sweeps).toBeGreaterThan(failed + 1), { timeout: 5_000, interval: 5 });
    await sweeper.stop();
    const told = lines.filter((line) => line.level >= 30);
    expect(told.map((line) => line.msg)).toEqual([
      'sweep failed; retrying',
      // (The clock moves a second per sweep, before the sweep fails.)
      expect.stringMatching(/^sweep still failing, 61 times since 2026-03-01T09:00:01\.000Z$/),
      expect.stringMatching(/^sweep works again after \d+ failures since 2026-03-01T09:00:01\.000Z$/),
    ]);
    expect(told.map((line) => line.level)).toEqual([40, 40, 30]);
    expect(JSON.stringify(told)).not.toMatch(/stack/);
    await engine.close();
  });
});
