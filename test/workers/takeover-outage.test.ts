import { pino } from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { createEngine } from '../../src/engine/engine.ts';
import { createMemoryStore } from '../../src/store/memory.ts';
import type { Store } from '../../src/store/store.ts';
import { connectionRefused } from '../support/outage-store.ts';

// The same defect a new-user trial on PostgreSQL found in expiries (pg_terminate_backend during
// a sweep: one error line with a stack per approval), here in takeovers: a task whose read met
// the outage was logged at error with a stack trace, per task, as if it were a bug. It is taken
// over again once its lease runs out again.

describe('a takeover whose task read meets a store outage', () => {
  it('logs it at warn with the reason and no stack, not at error', async () => {
    const inner = createMemoryStore();
    const first = createEngine({ store: inner, executor: { idempotent: true, execute: () => new Promise(() => undefined) } });
    void first.submit({ actionType: 'code:read', title: 'read', agentId: 'agent-o' }).catch(() => undefined);
    // Until the task is stored as executing (a loaded machine may take more than a second).
    await vi.waitFor(async () => expect(await inner.listTasksInStates(['executing'], 10)).toHaveLength(1), { timeout: 10_000 });
    await first.close({ timeoutMs: 10 });

    const down = new Proxy(inner, {
      get(target, property) {
        const value: unknown = Reflect.get(target, property, target);
        if (typeof value !== 'function') return value;
        if (property === 'getTask') return () => Promise.reject(connectionRefused());
        return value.bind(target);
      },
    });
    const lines: Array<{ level: number; msg?: string; code?: string }> = [];
    const second = createEngine({ store: down as Store, logger: pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) }) });
    await second.recover();
    expect(lines.filter((line) => line.level >= 50)).toEqual([]);
    expect(lines.find((line) => line.msg?.startsWith('recovery of a task failed'))).toMatchObject({ level: 40, code: 'ECONNREFUSED' });
    expect(JSON.stringify(lines)).not.toMatch(/"stack"/);
    await second.close({ timeoutMs: 10 });
  });
});
