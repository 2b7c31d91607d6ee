import { describe, expect, it } from 'vitest';
import type { AuditEntry, LifecycleEvent } from '../../../src/model/lifecycle-event.ts';
import { GENESIS_HASH, auditHash } from '../../../src/store/audit-chain.ts';
import type { Store } from '../../../src/store/store.ts';
import type { StampedEventDraft } from '../../../src/store/task-record.ts';
import { eventOf, insertOf, nextRevision, taskRecord } from '../fixtures.ts';
import type { StoreSubject } from './harness.ts';

/** Three tasks, commits carrying 2, 0, 3 and 1 events; returns the drafts and receipts in order. */
async function seed(store: Store): Promise<{ drafts: StampedEventDraft[]; receipts: number[][] }> {
  const a = taskRecord(1);
  const b = taskRecord(2);
  const c = taskRecord(3);
  const aNext = nextRevision(a);
  const commits = [
    insertOf(a, { events: [eventOf(a, 'task.proposed'), eventOf(a, 'task.evaluated', { approvalId: 'appr-a', actor: 'system' })] }),
    insertOf(b, { events: [] }),
    insertOf(c, { events: [eventOf(c, 'task.proposed', { data: undefined }), eventOf(c, 'task.evaluated', { data: {} }), eventOf(c, 'task.denied')] }),
    { task: aNext, expectedRevision: 1, events: [eventOf(aNext, 'task.parked')] },
  ];
  const receipts: number[][] = [];
  for (const change of commits) receipts.push((await store.commit(change)).eventIds);
  return { drafts: commits.flatMap((change) => change.events), receipts };
}

/** The event a draft becomes once it has journal id `id`. */
function committed(draft: StampedEventDraft, id: number): LifecycleEvent {
  const event: LifecycleEvent = { id, type: draft.type, at: draft.at, taskId: draft.taskId, actor: draft.actor };
  if (draft.approvalId !== undefined) event.approvalId = draft.approvalId;
  // Empty data is left out, so replayed events look exactly like live ones.
  if (draft.data !== undefined && Object.keys(draft.data).length > 0) event.data = draft.data;
  return event;
}

/** One journal: lifecycle events (the outbox) and the hash-chained audit log. */
export function describeJournal(subject: StoreSubject): void {
  describe('journal events', () => {
    it('starts empty: lastEventId is 0 and there is nothing to read', async () => {
      expect(await subject.store.lastEventId()).toBe(0);
      expect(await subject.store.readEvents(0, 10)).toEqual([]);
    });

    it('gives events strictly increasing ids without gaps across commits, as the receipts say', async () => {
      const { store } = subject;
      const { drafts, receipts } = await seed(store);
      expect(receipts).toEqual([[1, 2], [], [3, 4, 5], [6]]);
      expect(await store.lastEventId()).toBe(6);
      const events = await store.readEvents(0, 100);
      expect(events).toStrictEqual(drafts.map((draft, index) => committed(draft, index + 1)));
      expect(events.map((event) => event.id)).toEqual(receipts.flat());
    });

    it('reads events after an id, up to a limit', async () => {
      const { store } = subject;
      await seed(store);
      expect((await store.readEvents(2, 2)).map((event) => event.id)).toEqual([3, 4]);
      expect((await store.readEvents(4, 100)).map((event) => event.id)).toEqual([5, 6]);
      expect((await store.readEvents(0, 1)).map((event) => event.id)).toEqual([1]);
      expect(await store.readEvents(6, 10)).toEqual([]);
      expect(await store.readEvents(60, 10)).toEqual([]);
    });
  });

  describe('audit log', () => {
    it('holds one entry per event, matching it field by field', async () => {
      const { store } = subject;
      const { drafts } = await seed(store);
      const audit = await store.readAudit({});
      expect(audit.map(({ prevHash: _p, hash: _h, ...body }) => body)).toStrictEqual(
        drafts.map((draft, index) => ({
          seq: index + 1,
          at: draft.at,
          actor: draft.actor,
          action: draft.type,
          taskId: draft.taskId,
          approvalId: draft.approvalId ?? null,
          data: draft.data ?? {},
        })),
      );
    });

    it('chains entries: each prevHash is the hash before it, the first is GENESIS_HASH', async () => {
      const { store } = subject;
      await seed(store);
      const audit = await store.readAudit({});
      expect(audit[0]?.prevHash).toBe(GENESIS_HASH);
      audit.forEach((entry: AuditEntry, index) => {
        if (index > 0) expect(entry.prevHash).toBe(audit[index - 1]?.hash);
        const { hash, prevHash, ...body } = entry;
        expect(hash).toBe(auditHash(prevHash, body));
      });
      expect(new Set(audit.map((entry) => entry.hash)).size).toBe(audit.length);
      expect(await store.verifyAudit()).toEqual({ ok: true, entries: 6, head: { seq: 6, hash: audit[5]?.hash } });
    });

    it('checks the chain against anchors recorded outside it: each must be there as recorded', async () => {
      const { store } = subject;
      await seed(store);
      const audit = await store.readAudit({});
      const anchor = (seq: number) => ({ seq, hash: audit[seq - 1]?.hash as string });
      expect(await store.verifyAudit([anchor(2), anchor(6)])).toEqual({ ok: true, entries: 6, head: anchor(6), anchors: 2 });
      expect(await store.verifyAudit([anchor(2), { seq: 4, hash: 'a'.repeat(64) }])).toEqual({
        ok: false,
        entries: 4,
        brokenAt: 4,
        reason: expect.stringMatching(/not the one anchored for seq 4 .*rebuilt/),
      });
      expect(await store.verifyAudit([{ seq: 9, hash: 'b'.repeat(64) }])).toEqual({
        ok: false,
        entries: 6,
        brokenAt: 7,
        reason: 'the chain ends at seq 6, but an anchor names seq 9: its tail was deleted',
      });
    });

    it('verifies an empty log', async () => {
      expect(await subject.store.verifyAudit()).toEqual({ ok: true, entries: 0 });
      expect(await subject.store.readAudit({})).toEqual([]);
    });

    it('reads one task, after a seq, up to a limit', async () => {
      const { store } = subject;
      await seed(store);
      const seqs = async (query: Parameters<Store['readAudit']>[0]) => (await store.readAudit(query)).map((entry) => entry.seq);
      expect(await seqs({ taskId: taskRecord(1).id })).toEqual([1, 2, 6]);
      expect(await seqs({ taskId: taskRecord(3).id })).toEqual([3, 4, 5]);
      expect(await seqs({ taskId: taskRecord(2).id })).toEqual([]);
      expect(await seqs({ afterSeq: 4 })).toEqual([5, 6]);
      expect(await seqs({ limit: 2 })).toEqual([1, 2]);
      expect(await seqs({ taskId: taskRecord(1).id, afterSeq: 1, limit: 1 })).toEqual([2]);
      expect(await seqs({ taskId: taskRecord(3).id, afterSeq: 3 })).toEqual([4, 5]);
    });
  });
}
