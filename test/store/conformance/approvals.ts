import { describe, expect, it } from 'vitest';
import type { Approval } from '../../../src/model/approval.ts';
import { compareByUrgency, compareIn, positionOf } from '../../../src/model/approval-order.ts';
import { compareRisk, type RiskLevel } from '../../../src/model/risk.ts';
import type { ApprovalQuery, Store } from '../../../src/store/store.ts';
import { approvalOf, eventOf, insertOf, isoAt, nextRevision, taskRecord } from '../fixtures.ts';
import type { StoreSubject } from './harness.ts';

/** Approvals travel with their task's commit; listing, filtering, paging and the due queue. */
export function describeApprovals(subject: StoreSubject): void {
  describe('approvals', () => {
    it('stores the approval with the commit and reads it back equal', async () => {
      const { store } = subject;
      const task = taskRecord(1);
      const approval = approvalOf(task);
      expect(await store.getApproval(approval.id)).toBeNull();
      await store.commit(insertOf(task, { approval }));
      expect(await store.getApproval(approval.id)).toStrictEqual(approval);
    });

    it('keeps the approval through commits without one, and replaces it whole with a new one', async () => {
      const { store } = subject;
      const task = taskRecord(1);
      const approval = approvalOf(task);
      await store.commit(insertOf(task, { approval }));
      const parked = nextRevision(task);
      await store.commit({ task: parked, expectedRevision: 1, events: [] });
      expect(await store.getApproval(approval.id)).toStrictEqual(approval);

      const { description: _dropped, onEscalationExhausted: _alsoDropped, ...rest } = approval;
      const decided: Approval = {
        ...rest,
        status: 'approved',
        approvals: [...approval.approvals, { by: 'bob', at: isoAt(30) }],
        decidedAt: isoAt(30),
        decidedBy: 'bob',
        decisionReason: 'quorum met',
        expiresAt: null,
        escalationDeadlines: [],
      };
      await store.commit({ task: nextRevision(parked, { state: 'resumed' }), expectedRevision: 2, approval: decided, events: [] });
      expect(await store.getApproval(approval.id)).toStrictEqual(decided);
    });
  });

  describe('getApprovalWithTask', () => {
    it('reads an approval and its task together, each as its own read gives it, the latest commit of both', async () => {
      const { store } = subject;
      const task = taskRecord(1);
      const approval = approvalOf(task);
      expect(await store.getApprovalWithTask(approval.id)).toBeNull();
      await store.commit(insertOf(task, { approval }));
      expect(await store.getApprovalWithTask(approval.id)).toStrictEqual({ approval, task: await store.getTask(task.id) });

      const decided: Approval = { ...approval, status: 'approved', decidedAt: isoAt(30), decidedBy: 'bob' };
      const resumed = nextRevision(task, { state: 'resumed' });
      await store.commit({ task: resumed, expectedRevision: 1, approval: decided, events: [] });
      const read = await store.getApprovalWithTask(approval.id);
      expect(read).toStrictEqual({ approval: decided, task: await store.getTask(task.id) });
      expect(read?.task).toMatchObject({ id: task.id, state: 'resumed', revision: 2 });
      expect(await store.getApprovalWithTask(`${approval.id}-other`)).toBeNull();
    });
  });

  describe('listApprovals', () => {
    const fixtures: Array<Partial<Approval>> = [
      { status: 'pending', riskLevel: 'high', actionType: 'vcs:push' },
      { status: 'approved', riskLevel: 'high', actionType: 'vcs:push' },
      { status: 'pending', riskLevel: 'critical', actionType: 'deploy:production' },
      { status: 'rejected', riskLevel: 'medium', actionType: 'code:write' },
      { status: 'pending', riskLevel: 'high', actionType: 'deploy:production' },
      { status: 'pending', riskLevel: 'medium', actionType: 'vcs:push' },
    ];
    const seed = async (store: Store) => {
      for (const [index, overrides] of fixtures.entries()) {
        const task = taskRecord(index + 1);
        await store.commit(insertOf(task, { approval: approvalOf(task, overrides) }));
      }
    };
    const numbersOf = (items: Approval[]) => items.map((approval) => Number(approval.id.slice(-4)));

    it('lists all approvals newest first with the total', async () => {
      await seed(subject.store);
      const page = await subject.store.listApprovals({ offset: 0, limit: 100 });
      expect(numbersOf(page.items)).toEqual([6, 5, 4, 3, 2, 1]);
      expect(page.total).toBe(6);
      expect(page.items[5]).toStrictEqual(approvalOf(taskRecord(1), fixtures[0]));
    });

    it('filters by status, risk level and action type, alone and together', async () => {
      const { store } = subject;
      await seed(store);
      const list = (query: Partial<Parameters<Store['listApprovals']>[0]>) => store.listApprovals({ offset: 0, limit: 100, ...query });
      expect(numbersOf((await list({ status: 'pending' })).items)).toEqual([6, 5, 3, 1]);
      expect((await list({ status: 'pending' })).total).toBe(4);
      expect(numbersOf((await list({ riskLevel: 'high' })).items)).toEqual([5, 2, 1]);
      expect(numbersOf((await list({ actionType: 'vcs:push' })).items)).toEqual([6, 2, 1]);
      expect(numbersOf((await list({ status: 'pending', riskLevel: 'high' })).items)).toEqual([5, 1]);
      const all = await list({ status: 'pending', riskLevel: 'medium', actionType: 'vcs:push' });
      expect({ items: numbersOf(all.items), total: all.total }).toEqual({ items: [6], total: 1 });
      expect(await list({ status: 'expired' })).toEqual({ items: [], total: 0 });
    });

    it('pages with offset and limit; the total counts every match', async () => {
      const { store } = subject;
      await seed(store);
      const page = async (offset: number, limit: number, status?: Approval['status']) => {
        const result = await store.listApprovals({ offset, limit, ...(status ? { status } : {}) });
        return { items: numbersOf(result.items), total: result.total };
      };
      expect(await page(1, 2)).toEqual({ items: [5, 4], total: 6 });
      expect(await page(4, 10)).toEqual({ items: [2, 1], total: 6 });
      expect(await page(10, 10)).toEqual({ items: [], total: 6 });
      expect(await page(2, 1, 'pending')).toEqual({ items: [3], total: 4 });
    });

    it('sees status changes made by later commits', async () => {
      const { store } = subject;
      await seed(store);
      const task = taskRecord(1);
      await store.commit({ task: nextRevision(task), expectedRevision: 1, approval: approvalOf(task, { status: 'cancelled' }), events: [] });
      expect(numbersOf((await store.listApprovals({ offset: 0, limit: 100, status: 'pending' })).items)).toEqual([6, 5, 3]);
      expect(numbersOf((await store.listApprovals({ offset: 0, limit: 100, status: 'cancelled' })).items)).toEqual([1]);
    });
  });

  describe('listApprovals in urgency order', () => {
    // n: [risk, deadline in minutes (null: none), createdAt in minutes]
    const queue: Array<[number, RiskLevel, number | null, number]> = [
      [1, 'high', 300, 1],
      [2, 'critical', 900, 2],
      [3, 'high', 200, 3],
      [4, 'low', 100, 4],
      [5, 'high', null, 5],
      [6, 'critical', 900, 1], // same deadline as 2, requested earlier
      [7, 'medium', 50, 7],
      [8, 'high', 200, 3], // same deadline and request time as 3: id decides
      [9, 'critical', null, 9],
    ];
    const seedQueue = async (store: Store) => {
      for (const [n, riskLevel, deadline, created] of queue) {
        const task = taskRecord(n, { riskLevel });
        const approval = approvalOf(task, { riskLevel, expiresAt: deadline === null ? null : isoAt(deadline), createdAt: isoAt(created) });
        await store.commit(insertOf(task, { approval }));
      }
    };
    const numbersOf = (items: Approval[]) => items.map((approval) => Number(approval.id.slice(-4)));
    const urgent = (store: Store, query: Partial<ApprovalQuery> = {}) =>
      store.listApprovals({ status: 'pending', order: 'urgency', offset: 0, limit: 100, ...query });

    it('puts the highest risk first, then the nearest deadline (none last), then the oldest request, then the id', async () => {
      const { store } = subject;
      await seedQueue(store);
      const page = await urgent(store);
      expect(numbersOf(page.items)).toEqual([6, 2, 9, 3, 8, 1, 5, 7, 4]);
      expect(page.total).toBe(9);
      expect(numbersOf((await store.listApprovals({ order: 'newest', offset: 0, limit: 3 })).items)).toEqual([9, 7, 5]);
    });

    it('pages the same order with offset and limit, under risk and action filters too', async () => {
      const { store } = subject;
      await seedQueue(store);
      const pages = [];
      for (let offset = 0; offset < 9; offset += 2) pages.push(...numbersOf((await urgent(store, { offset, limit: 2 })).items));
      expect(pages).toEqual([6, 2, 9, 3, 8, 1, 5, 7, 4]);
      expect(numbersOf((await urgent(store, { riskLevel: 'high' })).items)).toEqual([3, 8, 1, 5]);
      expect(numbersOf((await urgent(store, { riskLevel: 'high', offset: 1, limit: 2 })).items)).toEqual([8, 1]);
      expect(numbersOf((await urgent(store, { riskLevel: 'critical' })).items)).toEqual([6, 2, 9]);
      expect(numbersOf((await urgent(store, { actionType: 'vcs:push', limit: 4 })).items)).toEqual([6, 2, 9, 3]);
      expect((await urgent(store, { riskLevel: 'high' })).total).toBe(4);
    });

    it('drops a decided approval from the pending queue, and orders other statuses the same way', async () => {
      const { store } = subject;
      await seedQueue(store);
      const task = taskRecord(6, { riskLevel: 'critical' });
      const decided = approvalOf(task, { riskLevel: 'critical', status: 'approved', expiresAt: isoAt(900), createdAt: isoAt(1) });
      await store.commit({ task: nextRevision(task, { riskLevel: 'critical' }), expectedRevision: 1, approval: decided, events: [] });
      expect(numbersOf((await urgent(store)).items)).toEqual([2, 9, 3, 8, 1, 5, 7, 4]);
      expect(numbersOf((await urgent(store, { status: 'approved' })).items)).toEqual([6]);
      expect(numbersOf((await store.listApprovals({ order: 'urgency', offset: 0, limit: 3 })).items)).toEqual([6, 2, 9]);
    });

    it('agrees with compareByUrgency on a queue of many random approvals', async () => {
      const { store } = subject;
      const risks: RiskLevel[] = ['low', 'medium', 'high', 'critical'];
      let seed = 7;
      const random = (n: number) => {
        seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
        return seed % n;
      };
      const expected: Approval[] = [];
      for (let n = 1; n <= 60; n += 1) {
        const riskLevel = risks[random(4)] as RiskLevel;
        const task = taskRecord(n, { riskLevel });
        const deadline = random(5) === 0 ? null : isoAt(random(20) * 30);
        const approval = approvalOf(task, { riskLevel, expiresAt: deadline, createdAt: isoAt(random(8)) });
        await store.commit(insertOf(task, { approval }));
        expected.push(approval);
      }
      expected.sort(compareByUrgency);
      const listed: Approval[] = [];
      for (let offset = 0; offset < 60; offset += 7) listed.push(...(await urgent(store, { offset, limit: 7 })).items);
      expect(listed.map((approval) => approval.id)).toEqual(expected.map((approval) => approval.id));
    });
  });

  describe('listApprovals after a position (keyset paging)', () => {
    const risks: RiskLevel[] = ['low', 'medium', 'high', 'critical'];
    /** 60 approvals: every risk, deadlines shared and none, equal request times, four statuses. */
    const seedMixed = async (store: Store): Promise<Approval[]> => {
      let seed = 11;
      const random = (n: number) => {
        seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
        return Math.floor(seed / 65_536) % n; // the high bits: the low ones of this generator repeat with a short period
      };
      const all: Approval[] = [];
      for (let n = 1; n <= 60; n += 1) {
        const riskLevel = risks[random(4)] as RiskLevel;
        const task = taskRecord(n, { riskLevel });
        const status = (['pending', 'pending', 'pending', 'approved', 'rejected'] as const)[random(5)];
        const approval = approvalOf(task, {
          riskLevel,
          status,
          expiresAt: random(4) === 0 ? null : isoAt(random(6) * 30),
          createdAt: isoAt(random(5)),
          actionType: random(3) === 0 ? 'db:mutate' : 'vcs:push',
        });
        await store.commit(insertOf(task, { approval }));
        all.push(approval);
      }
      return all;
    };
    /** Every page of a query by `after`, `limit` at a time, concatenated. */
    const pageThrough = async (store: Store, query: Omit<ApprovalQuery, 'offset' | 'limit'>, limit: number) => {
      const ids: string[] = [];
      let after: ApprovalQuery['after'];
      for (let pages = 0; pages < 100; pages += 1) {
        const page = await store.listApprovals({ ...query, offset: 0, limit, ...(after ? { after } : {}) });
        ids.push(...page.items.map((approval) => approval.id));
        const last = page.items.at(-1);
        if (page.items.length < limit || !last) return ids;
        after = positionOf(last);
      }
      throw new Error('paging did not end');
    };

    it.each([
      ['newest', {}],
      ['urgency', {}],
      ['urgency, pending', { status: 'pending' }],
      ['urgency, pending, high risk', { status: 'pending', riskLevel: 'high' }],
      ['newest, pending, one action', { status: 'pending', actionType: 'db:mutate' }],
      ['urgency, approved', { status: 'approved' }],
      ['urgency, critical risk, any status', { riskLevel: 'critical' }],
      ['newest, low risk', { riskLevel: 'low' }],
      ['urgency, pending, risk at most high', { status: 'pending', riskAtMost: 'high' }],
      ['urgency, risk at most medium', { riskAtMost: 'medium' }],
      ['newest, pending, risk at most medium', { status: 'pending', riskAtMost: 'medium' }],
    ] as const)('visits every match once, in order, whatever the page size (%s)', async (label, filters) => {
      const { store } = subject;
      const all = await seedMixed(store);
      const order = label.startsWith('urgency') ? 'urgency' : 'newest';
      const matches = (a: Approval) =>
        Object.entries(filters).every(([key, value]) =>
          key === 'riskAtMost' ? compareRisk(a.riskLevel, value as RiskLevel) <= 0 : a[key as keyof Approval] === value,
        );
      expect((await store.listApprovals({ order, ...filters, offset: 0, limit: 1 })).total).toBe(all.filter(matches).length);
      const expected = all
        .filter(matches)
        .sort(compareIn(order))
        .map((approval) => approval.id);
      expect(expected.length).toBeGreaterThan(3);
      for (const limit of [1, 3, 7, 200]) expect(await pageThrough(store, { order, ...filters }, limit)).toEqual(expected);
    });

    it('skips offset approvals after the position, across the ranges it reads', async () => {
      const { store } = subject;
      const all = await seedMixed(store);
      for (const order of ['urgency', 'newest'] as const) {
        const expected = all.sort(compareIn(order)).map((approval) => approval.id);
        const after = positionOf(all[4] as Approval);
        const page = await store.listApprovals({ order, offset: 9, limit: 20, after });
        expect(page.items.map((approval) => approval.id)).toEqual(expected.slice(5 + 9, 5 + 9 + 20));
      }
    });

    it('under a risk filter, a position in another tier lists all of the filtered tier or none of it', async () => {
      const { store } = subject;
      const all = await seedMixed(store);
      const high = all.filter((a) => a.riskLevel === 'high').sort(compareByUrgency).map((approval) => approval.id);
      const at = (riskLevel: RiskLevel) => ({ riskLevel, expiresAt: isoAt(60), createdAt: isoAt(1), id: 'a-5000' });
      const listed = async (riskLevel: RiskLevel) =>
        (await store.listApprovals({ order: 'urgency', riskLevel: 'high', offset: 0, limit: 100, after: at(riskLevel) })).items.map((approval) => approval.id);
      expect(await listed('critical')).toEqual(high);
      expect(await listed('medium')).toEqual([]);
    });

    it('starts after the position even when that approval was decided or never existed', async () => {
      const { store } = subject;
      const all = await seedMixed(store);
      const pending = all.filter((a) => a.status === 'pending').sort(compareByUrgency);
      const [first, second] = pending;
      if (!first || !second) throw new Error('seed has pending approvals');
      const task = taskRecord(Number(first.id.slice(-4)), { riskLevel: first.riskLevel });
      await store.commit({ task: nextRevision(task), expectedRevision: 1, approval: { ...first, status: 'cancelled' }, events: [] });
      const next = await store.listApprovals({ status: 'pending', order: 'urgency', offset: 0, limit: 1, after: positionOf(first) });
      expect(next.items.map((approval) => approval.id)).toEqual([second.id]);
      const between = { ...positionOf(first), id: `${first.id}~` };
      expect((await store.listApprovals({ status: 'pending', order: 'urgency', offset: 0, limit: 1, after: between })).items[0]?.id).toBe(second.id);
      expect((await store.listApprovals({ status: 'pending', order: 'urgency', offset: 0, limit: 5, after: positionOf(first) })).total).toBe(pending.length - 1);
    });
  });

  describe('pendingApprovalSummary', () => {
    it('counts pending approvals by risk (every tier, zeros included) and names the oldest one\'s creation time', async () => {
      const { store } = subject;
      expect(await store.pendingApprovalSummary()).toEqual({ byRisk: { low: 0, medium: 0, high: 0, critical: 0 }, oldestCreatedAt: null });
      const fixtures: Array<Partial<Approval>> = [
        { riskLevel: 'high', createdAt: isoAt(30) },
        { riskLevel: 'high', createdAt: isoAt(10), status: 'approved' },
        { riskLevel: 'critical', createdAt: isoAt(20) },
        { riskLevel: 'high', createdAt: isoAt(40) },
        { riskLevel: 'low', createdAt: isoAt(50), status: 'expired' },
      ];
      for (const [index, overrides] of fixtures.entries()) {
        const task = taskRecord(index + 1);
        await store.commit(insertOf(task, { approval: approvalOf(task, overrides) }));
      }
      expect(await store.pendingApprovalSummary()).toEqual({ byRisk: { low: 0, medium: 0, high: 2, critical: 1 }, oldestCreatedAt: isoAt(20) });
      // Deciding the oldest moves the oldest on, and takes it out of the counts.
      const oldest = taskRecord(3);
      const decided = approvalOf(oldest, { ...fixtures[2], status: 'rejected', decidedAt: isoAt(60), decidedBy: 'bob', decisionReason: 'no' });
      await store.commit({ task: nextRevision(oldest, { state: 'denied' }), expectedRevision: 1, approval: decided, events: [] });
      expect(await store.pendingApprovalSummary()).toEqual({ byRisk: { low: 0, medium: 0, high: 2, critical: 0 }, oldestCreatedAt: isoAt(30) });
    });
  });

  describe('listDueApprovals', () => {
    const now = isoAt(100);
    const deadlines: Array<Partial<Approval>> = [
      { expiresAt: isoAt(90) },
      { expiresAt: now },
      { expiresAt: isoAt(50) },
      { expiresAt: isoAt(10), status: 'approved' },
      { expiresAt: null },
      { expiresAt: isoAt(101) },
    ];
    const seed = async (store: Store) => {
      for (const [index, overrides] of deadlines.entries()) {
        const task = taskRecord(index + 1);
        await store.commit(insertOf(task, { approval: approvalOf(task, overrides), events: [eventOf(task, 'approval.submitted')] }));
      }
    };
    const due = async (store: Store, limit: number, at = now) => (await store.listDueApprovals(at, limit)).map((a) => a.taskId);

    it('returns only pending approvals whose deadline is at or before now, earliest first', async () => {
      const { store } = subject;
      await seed(store);
      expect(await due(store, 100)).toEqual([3, 1, 2].map((n) => taskRecord(n).id));
      expect((await store.listDueApprovals(now, 1))[0]).toStrictEqual(approvalOf(taskRecord(3), deadlines[2]));
      expect(await due(store, 100, isoAt(0))).toEqual([]);
    });

    it('honours the limit', async () => {
      await seed(subject.store);
      expect(await due(subject.store, 2)).toEqual([3, 1].map((n) => taskRecord(n).id));
    });

    it('drops an approval once it is decided', async () => {
      const { store } = subject;
      await seed(store);
      const task = taskRecord(3);
      const decided = approvalOf(task, { ...deadlines[2], status: 'expired', decidedAt: now, decidedBy: 'system' });
      await store.commit({ task: nextRevision(task, { state: 'expired' }), expectedRevision: 1, approval: decided, events: [] });
      expect(await due(store, 100)).toEqual([1, 2].map((n) => taskRecord(n).id));
    });
  });
}
