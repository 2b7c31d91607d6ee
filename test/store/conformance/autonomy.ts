import { describe, expect, it } from 'vitest';
import type { AutonomySetting } from '../../../src/model/autonomy-setting.ts';
import { GENESIS_HASH } from '../../../src/store/audit-chain.ts';
import { insertOf, isoAt, taskRecord } from '../fixtures.ts';
import type { StoreSubject } from './harness.ts';

function setting(overrides: Partial<AutonomySetting> = {}): AutonomySetting {
  return { scope: 'agent', subject: 'agent-1', level: 'supervised', previous: 'semi', reason: 'too many failures', setBy: 'system', setAt: isoAt(5), cause: 'error_rate', ...overrides };
}

/** Autonomy levels: stored per scope and subject, each change an audit entry without a task. */
export function describeAutonomy(subject: StoreSubject): void {
  describe('autonomy levels', () => {
    it('stores a level per scope and subject, replacing the one before', async () => {
      const { store } = subject;
      expect(await store.listAutonomy()).toEqual([]);
      await store.setAutonomy(setting());
      await store.setAutonomy(setting({ scope: 'department', subject: 'ops', level: 'full', previous: 'semi', setBy: 'alice', cause: undefined }));
      const replaced = setting({ level: 'locked', previous: 'supervised', cause: 'security_incident', setAt: isoAt(6) });
      await store.setAutonomy(replaced);
      const all = await store.listAutonomy();
      expect(all).toHaveLength(2);
      expect(all.find((s) => s.scope === 'agent')).toStrictEqual(replaced);
    });

    it('writes each change into the hash chain as an audit entry with no task, not as a task event', async () => {
      const { store } = subject;
      const task = taskRecord(1);
      await store.commit(insertOf(task));
      const { seq } = await store.setAutonomy(setting());
      await store.commit({ task: { ...task, revision: 2 }, expectedRevision: 1, events: [{ type: 'task.evaluated', taskId: task.id, actor: 'system', at: isoAt(7) }] });
      expect(seq).toBe(2);
      const audit = await store.readAudit({});
      expect(audit.map((entry) => entry.action)).toEqual(['task.proposed', 'autonomy.changed', 'task.evaluated']);
      expect(audit[1]).toMatchObject({ seq: 2, taskId: null, approvalId: null, actor: 'system', data: { scope: 'agent', subject: 'agent-1', level: 'supervised', previous: 'semi', cause: 'error_rate' } });
      expect(audit[0]?.prevHash).toBe(GENESIS_HASH);
      expect(await store.verifyAudit()).toMatchObject({ ok: true, entries: 3 });
      // The event stream carries task lifecycle events only; ids stay the journal's.
      expect((await store.readEvents(0, 10)).map((event) => event.id)).toEqual([1, 3]);
      expect((await store.readEvents(1, 1)).map((event) => event.id)).toEqual([3]);
    });

    // Registered for durable backends only (as describeLifecycle's durability tests): on memory it
    // would pass without checking anything.
    if (subject.durable)
      it('keeps autonomy levels across a reopen', async () => {
        await subject.store.setAutonomy(setting());
        const reopened = await subject.reopen();
        expect(await reopened.listAutonomy()).toStrictEqual([setting()]);
        expect(await reopened.verifyAudit()).toMatchObject({ ok: true, entries: 1 });
      });
  });
}
