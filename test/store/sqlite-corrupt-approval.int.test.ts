import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../src/engine/clock.ts';
import { createEngine } from '../../src/engine/engine.ts';
import type { Engine } from '../../src/engine/engine-types.ts';
import type { Principal } from '../../src/model/principal.ts';
import { UNREADABLE_APPROVAL } from '../../src/store/sqlite-rows.ts';
import { openSqliteStore } from '../../src/store/sqlite.ts';
import type { Store } from '../../src/store/store.ts';

const ALICE: Principal = { id: 'alice', roles: ['approver'], maxRisk: 'critical' };
const SAM: Principal = { id: 'sam', roles: ['agent', 'approver'], maxRisk: 'critical' };

// A damaged approval row once made GET /approvals, the approval, every decision on it and the
// sweeper (for every due approval in its batch) fail with a 500 (a JSON.parse error). Now
// the row reads as a stand-in and the task is quarantined when anyone acts on it.
describe('SQLite: a corrupt or edited approval row quarantines its task, nothing else', () => {
  let dir: string;
  let path: string;
  let store: Store;
  let engine: Engine;
  const clock = new SimulatedClock(Date.parse('2026-05-01T09:00:00.000Z'));

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tollgate-corrupt-'));
    path = join(dir, 'tollgate.db');
    store = await openSqliteStore({ path });
    engine = createEngine({ store, clock });
  });
  afterEach(async () => {
    await engine.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const park = async (n: number, agentId = 'agent-1', ttlSeconds = 3_600) => {
    const { task } = await engine.submit({ actionType: 'vcs:push', title: `push ${n}`, args: { branch: `b${n}` }, agentId, ttlSeconds });
    expect(task.state).toBe('parked');
    return task as typeof task & { approvalId: string };
  };
  /** Edits the approval's stored record behind the store's back (a second connection). */
  const editRecord = (approvalId: string, sql: string) => {
    const db = new Database(path);
    db.prepare(`UPDATE approvals SET record = ${sql} WHERE id = ?`).run(approvalId);
    db.close();
  };

  it('reads an unreadable record as a stand-in, refuses decisions with 409 and quarantines the task', async () => {
    const victim = await park(1);
    const bystander = await park(2);
    editRecord(victim.approvalId, 'substr(record, 1, 40)');

    const page = await engine.listApprovals({ status: 'pending', offset: 0, limit: 50 });
    expect(page.total).toBe(2);
    const standIn = page.items.find((a) => a.id === victim.approvalId);
    expect(standIn).toMatchObject({ taskId: victim.id, status: 'pending', title: '(unreadable approval record)' });
    expect(standIn?.decisionReason).toMatch(new RegExp(`^${UNREADABLE_APPROVAL}: the record is not valid JSON`));

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
    editRecord(victim.approvalId, `json_set(record, '$.requestedBy', 'someone-else')`);
    await expect(engine.decide(victim.approvalId, { kind: 'approve' }, SAM)).rejects.toMatchObject({ code: 'invalid_transition' });
    const task = await engine.get(victim.id);
    expect(task.state).toBe('quarantined');
    expect(task.error?.message).toMatch(/requestedBy differ/);
  });

  it('the sweeper quarantines a due task with an unreadable approval and still expires the others', async () => {
    const victim = await park(4, 'agent-1', 60);
    const due = await park(5, 'agent-1', 60);
    editRecord(victim.approvalId, `'{"id": 7'`);
    clock.advance(120_000);
    expect(await engine.expireDue()).toBe(1);
    expect((await engine.get(due.id)).state).toBe('expired');
    expect((await engine.get(victim.id)).state).toBe('quarantined');
    expect(await engine.expireDue()).toBe(0);
  });
});
