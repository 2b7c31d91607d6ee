import type { Engine } from '../../src/engine/engine-types.ts';
import { positionOf } from '../../src/model/approval-order.ts';
import type { ApprovalQuery } from '../../src/store/store.ts';
import { OffHeapSamples, round3 } from './samples.ts';
import type { ListingFigure } from './scale-result.ts';

const PAGE = 50;
const MAX_REPS = 200;
const MIN_REPS = 10;
/** A query stops repeating after this long (deep pages at 1M can take tens of ms each). */
const BUDGET_MS = 4_000;

/**
 * Times pages of 50 approvals the way the approval queue asks for them (`offset`), at offsets
 * from the first page to the last: newest first with no filter, by status (indexed) and by risk
 * level (not indexed); pending in urgency order (indexed), alone and by risk; the same pending
 * queue by keyset (after the approval at that depth, as `cursor` pages read it); and pages of
 * tasks by keyset cursor at the same depths.
 * One query in flight, repeated up to 200 times or ~4 s.
 * @example const figures = await measureListing(engine, 1_000_000);
 */
export async function measureListing(engine: Engine, n: number): Promise<ListingFigure[]> {
  const offsets = [...new Set([0, Math.min(1_000, n - PAGE), Math.floor(n / 2), n - PAGE])].filter((o) => o >= 0);
  const figures: ListingFigure[] = [];
  const filters: Array<[string, Partial<ApprovalQuery>]> = [
    ['none', {}],
    ['status=pending', { status: 'pending' }],
    ['riskLevel=high', { riskLevel: 'high' }],
    ['status=pending order=urgency', { status: 'pending', order: 'urgency' }],
    ['status=pending riskLevel=high order=urgency', { status: 'pending', riskLevel: 'high', order: 'urgency' }],
  ];
  for (const [filter, query] of filters) {
    for (const offset of offsets) {
      let total = 0;
      const timing = await repeat(async () => {
        const page = await engine.listApprovals({ ...query, offset, limit: PAGE });
        if (page.items.length === 0) throw new Error(`empty page at offset ${offset} (${filter})`);
        total = page.total;
      });
      figures.push({ label: `approvals ${filter} @${offset}`, kind: 'approvals', offset, filter, total, ...timing });
    }
  }
  // Keyset pages of the queue (what GET /approvals?cursor= reads): after the approval at depth d−1.
  const keyset: Array<[string, Partial<ApprovalQuery>]> = [
    ['status=pending', { status: 'pending' }],
    ['status=pending order=urgency', { status: 'pending', order: 'urgency' }],
  ];
  for (const [filter, query] of keyset) {
    for (const offset of offsets) {
      const before = offset === 0 ? undefined : (await engine.listApprovals({ ...query, offset: offset - 1, limit: 1 })).items[0];
      const timing = await repeat(async () => {
        const page = await engine.listApprovals({ ...query, offset: 0, limit: PAGE, ...(before ? { after: positionOf(before) } : {}) });
        if (page.items.length === 0) throw new Error(`empty page after depth ${offset} (${filter})`);
      });
      figures.push({ label: `approvals ${filter} after@${offset}`, kind: 'approvals-after', offset, filter, ...timing });
    }
  }
  // Keyset pages: the cursor of a page at depth d is the id of the task at depth d.
  for (const offset of offsets) {
    const cursor = offset === 0 ? undefined : (await engine.listApprovals({ offset: offset - 1, limit: 1 })).items[0]?.taskId;
    const timing = await repeat(async () => {
      const page = await engine.list({ state: 'parked', limit: PAGE, ...(cursor ? { cursor } : {}) });
      if (page.items.length === 0) throw new Error(`empty task page at depth ${offset}`);
    });
    figures.push({ label: `tasks state=parked cursor@${offset}`, kind: 'tasks', offset, filter: 'state=parked', ...timing });
  }
  return figures;
}

async function repeat(query: () => Promise<void>): Promise<{ reps: number; p50Ms: number; p99Ms: number }> {
  const samples = new OffHeapSamples(MAX_REPS);
  await query(); // warm the statement and the page cache
  const started = performance.now();
  while (samples.count < MAX_REPS && (samples.count < MIN_REPS || performance.now() - started < BUDGET_MS)) {
    const t0 = performance.now();
    await query();
    samples.add(performance.now() - t0);
  }
  return { reps: samples.count, p50Ms: round3(samples.percentile(50)), p99Ms: round3(samples.percentile(99)) };
}
