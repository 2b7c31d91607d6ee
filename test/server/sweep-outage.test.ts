import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../src/engine/clock.ts';
import { createEngine } from '../../src/engine/engine.ts';
import { createMemoryStore } from '../../src/store/memory.ts';
import type { Store } from '../../src/store/store.ts';
import { connectionRefused } from '../support/outage-store.ts';

// Found by a new-user trial on PostgreSQL: terminating the workers' connections while 90
// approvals fell due logged 'expiring an approval failed' at error, with a stack trace, once per
// approval (32 lines) — an outage, which the README says the sweeper reports once at warn (then
// at most once a minute). Every deadline was still applied exactly once, at a later sweep.

/** A memory store whose task reads and commits fail while `down`; listing due approvals still works. */
function storeFailingInsideExpiry(inner: Store): { store: Store; setDown: (down: boolean) => void } {
  let down = false;
  const failing = new Set(['getTask', 'getApprovalWithTask', 'commit']);
  const store = new Proxy(inner, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      if (down && failing.has(String(property))) return () => Promise.reject(connectionRefused());
      return value.bind(target);
    },
  });
  return { store, setDown: (next) => (down = next) };
}

describe('a deadline sweep that meets a store outage inside an expiry', () => {
  it('fails the sweep (said once by the sweeper) instead of logging each approval at error, and applies it later', async () => {
    const clock = new SimulatedClock();
    const { store, setDown } = storeFailingInsideExpiry(createMemoryStore());
    const lines: Array<{ level: number; msg?: string }> = [];
    const engine = createEngine({ store, clock, logger: pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) }) });
    const parked = await Promise.all([1, 2, 3].map((n) => engine.submit({ actionType: 'vcs:push', title: `push ${n}`, agentId: 'agent-s', ttlSeconds: 1 })));
    clock.advance(2_000);

    setDown(true);
    await expect(engine.expireDue()).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(lines.filter((line) => line.level >= 50)).toEqual([]);

    setDown(false);
    expect(await engine.expireDue()).toBe(3);
    for (const { task } of parked) expect((await engine.get(task.id)).state).toBe('expired');
    await engine.close();
  });
});
