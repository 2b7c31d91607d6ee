import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../src/engine/clock.ts';
import { createEngine } from '../../src/engine/engine.ts';
import type { Engine } from '../../src/engine/engine-types.ts';
import type { Principal } from '../../src/model/principal.ts';
import { UNREADABLE_APPROVAL } from '../../src/store/sqlite-rows.ts';
import type { Store } from '../../src/store/store.ts';

const ALICE: Principal = { id: 'alice', roles: ['approver'], maxRisk: 'critical' };
const SAM: Principal = { id: 'sam', roles: ['agent', 'approver'], maxRisk: 'critical' };

/** How a test damages an approval's stored record behind the store's back. */
export type RecordEdit =
  /** Cut to its first 40 characters: not JSON any more. */
  | 'truncate'
  /** Still a valid Approval, but with another `requestedBy` (a forged requester). */
  | 'forgeRequester'
  /** Replaced by a short broken JSON text. */
  | 'brokenJson';

/** One SQL backend under the corrupt-approval suite. */
export interface CorruptApprovalBackend {
  name: string;
  beforeAll?(): Promise<void>;
  /** A fresh, empty store (a new file, a new schema). */
  openStore(): Promise<Store>;
  /** Applies `edit` to the approval's record with a second connection. */
  editRecord(approvalId: string, edit: RecordEdit): Promise<void>;
  /** After each test, once the store is closed. */
  afterEach?(): Promise<void>;
  afterAll?(): Promise<void>;
}

// A damaged approval row once made GET /approvals, the approval, every decision on it and the
// sweeper (for every due approval in its batch) fail with a 500 (a JSON.parse error). Now
// the row reads as a stand-in and the task is quarantined when anyone acts on it.
/**
 * A corrupt or edited approval row quarantines its task and nothing else, on a backend.
 * @example describeCorruptApproval({ name: 'SQLite', openStore, editRecord });
 */
export function describeCorruptApproval(backend: CorruptApprovalBackend): void {
  describe(`${backend.name}: a corrupt or edited approval row quarantines its task, nothing else`, () => {
    let store: Store;
    let engine: Engine;
    const clock = new SimulatedClock(Date.parse('2026-05-01T09:00:00.000Z'));

    beforeAll(async () => backend.beforeAll?.());
    beforeEach(async () => {
      store = await backend.openStore();
      engine = createEngine({ store, clock });
    });
    afterEach(async () => {
      await engine?.close();
      await store?.close();
      await backend.afterEach?.();
    });
    afterAll(async () => backend.afterAll?.());

    const park = async (n: number, agentId = 'agent-1', ttlSeconds = 3_600) => {
      const { task } = await engine.submit({ actionType: 'vcs:push', title: `push ${n}`, args: { branch: `b${n}` }, agentId, ttlSeconds });
      expect(task.state).toBe('parked');
      return task as typeof task & { approvalId: string };
    };

    it('reads an unreadable record as a stand-in, refuses decisions with 409 and quarantines the task', async () => {
      const victim = await park(1);
      const bystander = await park(2);
      await backend.editRecord(victim.approvalId, 'truncate');

      const page = await engine.listApprovals({ status: 'pending', offset: 0, limit: 50 });
      expect(page.total).toBe(2);
      const standIn = page.items.find((a) => a.id === victim.approvalId);
      expect(standIn).toMatchObject({ taskId: victim.id, status: 'pending', title: '(unreadable approval record)' });
      expect(standIn?.decisionReason).toMatch(new RegExp(`^${UNREADABLE_APPROVAL}: the record is not valid JSON`));
      expect(await engine.getApproval(victim.approvalId)).toMatchObject({ title: '(unreadable approval record)' });

      await expect(engine.decide(victim.approvalId, { kind: 'approve' }, ALICE)).rejects.toMatchObject({ code: 'invalid_transition' });
      const quarantined = await engine.get(victim.id);
      expect(quarantined.state).toBe('quarantined');
      expect(quarantined.error?.message).toMatch(/approval .* as stored does not match the task's snapshot .*unreadable approval record/);
      expect(await engine.getApproval(victim.approvalId)).toMatchObject({ status: 'cancelled', decisionReason: expect.stringMatching(/^task quarantined/) });
      expect((await store.readAudit({ taskId: victim.id })).at(-1)?.action).toBe('task.quarantined');

      expect((await engine.decide(bystander.approvalId, { kind: 'approve' }, ALICE)).task.state).toBe('completed');
      expect((await store.verifyAudit()).ok).toBe(true);
    });

    it('quarantines a task whose approval record was edited into another valid one (no self-approval through a forged requester)', async () => {
      const victim = await park(3, 'sam');
      await backend.editRecord(victim.approvalId, 'forgeRequester');
      await expect(engine.decide(victim.approvalId, { kind: 'approve' }, SAM)).rejects.toMatchObject({ code: 'invalid_transition' });
      const task = await engine.get(victim.id);
      expect(task.state).toBe('quarantined');
      expect(task.error?.message).toMatch(/requestedBy differ/);
    });

    it('the sweeper quarantines a due task with an unreadable approval and still expires the others', async () => {
      const victim = await park(4, 'agent-1', 60);
      const due = await park(5, 'agent-1', 60);
      await backend.editRecord(victim.approvalId, 'brokenJson');
      clock.advance(120_000);
      expect(await engine.expireDue()).toBe(1);
      expect((await engine.get(due.id)).state).toBe('expired');
      expect((await engine.get(victim.id)).state).toBe('quarantined');
      expect(await engine.expireDue()).toBe(0);
    });
  });
}
