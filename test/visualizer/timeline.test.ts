import { describe, expect, it } from 'vitest';
import type { AuditEntry, InspectionRecord, Task } from '../../visualizer/src/api/types.ts';
import { actionSummary, buildActorTree, recordSummary } from '../../visualizer/src/inspector/actor-tree.ts';
import { matchesFilter, NO_FILTER } from '../../visualizer/src/logic/task-filter.ts';
import { buildTimeline, friendlyEvent } from '../../visualizer/src/logic/timeline.ts';

const task = {
  id: 't-1', state: 'denied', actionType: 'vcs:push', title: 'Push', args: {}, agentId: 'agent-atlas', riskLevel: 'high', autonomy: 'semi',
  verdict: null, approvalId: 'a-1', alternative: null, alternativeTaskId: null, parentTaskId: null, result: null, error: null,
  createdAt: '2026-03-01T09:00:00.000Z', updatedAt: '2026-03-01T09:05:00.000Z',
  history: [
    { at: '2026-03-01T09:00:00.000Z', from: null, to: 'proposed', event: 'xstate.init' },
    { at: '2026-03-01T09:00:00.001Z', from: 'proposed', to: 'evaluating', event: 'EVALUATE' },
    { at: '2026-03-01T09:05:00.000Z', from: 'parked', to: 'denied', event: 'REJECT' },
  ],
} as unknown as Task;

describe('timeline', () => {
  it('merges history and audit entries, oldest first, steps before entries of the same instant', () => {
    const audit: AuditEntry[] = [
      { seq: 2, at: '2026-03-01T09:05:00.000Z', actor: 'alice', action: 'approval.rejected', taskId: 't-1', approvalId: 'a-1', data: { reason: 'not on Friday' }, prevHash: '', hash: '' },
      { seq: 1, at: '2026-03-01T09:00:00.000Z', actor: 'agent-atlas', action: 'task.proposed', taskId: 't-1', approvalId: null, data: {}, prevHash: '', hash: '' },
    ];
    const timeline = buildTimeline(task, audit);
    expect(timeline.map((e) => `${e.kind}:${e.title}`)).toEqual(['state:proposed', 'audit:task.proposed', 'state:evaluating', 'state:denied', 'audit:approval.rejected']);
    expect(timeline.at(-1)?.note).toBe('“\u2068not on Friday\u2069”');
    expect(timeline[0]?.by).toBe('start');
  });

  it('names XState events for people', () => {
    expect(friendlyEvent('xstate.done.actor.secOps')).toBe('secOps done');
    expect(friendlyEvent('xstate.error.actor.executor')).toBe('executor failed');
    expect(friendlyEvent('APPROVE')).toBe('APPROVE');
  });
});

describe('task filter', () => {
  it('matches state, action type prefix, risk and agent substring', () => {
    expect(matchesFilter(task, NO_FILTER)).toBe(true);
    expect(matchesFilter(task, { ...NO_FILTER, actionType: 'vcs:' })).toBe(true);
    expect(matchesFilter(task, { ...NO_FILTER, actionType: 'deploy:' })).toBe(false);
    expect(matchesFilter(task, { ...NO_FILTER, risk: 'high', agent: 'ATLAS' })).toBe(true);
    expect(matchesFilter(task, { ...NO_FILTER, state: 'parked' })).toBe(false);
    expect(matchesFilter({ ...task, riskLevel: null }, { ...NO_FILTER, risk: 'none' })).toBe(true);
  });
});

describe('actor tree', () => {
  const record = (seq: number, type: InspectionRecord['type'], actor: Partial<InspectionRecord['actor']>, extra: Partial<InspectionRecord> = {}): InspectionRecord => ({
    seq, at: '', taskId: 't-1', type, rootId: 'x:1', detail: 'full', actor: { sessionId: 'x:1', id: 'x:1', parentId: null, src: null, ...actor }, ...extra,
  });

  it('nests children under their root, one root per run, with their last status', () => {
    const records = [
      record(1, '@xstate.actor', {}),
      record(2, '@xstate.actor', { sessionId: 'x:2', id: 'secOps', parentId: 'x:1', src: 'secOps' }),
      record(3, '@xstate.snapshot', { sessionId: 'x:2', id: 'secOps', parentId: 'x:1', src: 'secOps' }, { snapshot: { status: 'done' } }),
      record(4, '@xstate.snapshot', {}, { snapshot: { status: 'active', value: 'parked' } }),
      record(5, '@xstate.actor', { sessionId: 'x:9' }),
    ];
    const roots = buildActorTree(records);
    expect(roots.map((r) => r.sessionId)).toEqual(['x:1', 'x:9']);
    expect(roots[0]?.value).toBe('parked');
    expect(roots[0]?.children.map((c) => [c.id, c.status])).toEqual([['secOps', 'done']]);
    expect(recordSummary(records[3]!)).toBe('parked');
    expect(recordSummary(record(6, '@xstate.event', {}, { event: { type: 'APPROVE' }, source: null }))).toBe('APPROVE');
    expect(recordSummary(records[1]!)).toBe('started (secOps)');
  });
});

describe('action summaries', () => {
  it('say what an emit, a spawn and a stop did', () => {
    expect(actionSummary({ type: 'xstate.emit', params: { event: { type: 'tollgate.step', to: 'parked', lifecycle: { type: 'task.parked' } } } })).toBe('emit tollgate.step → parked (task.parked)');
    expect(actionSummary({ type: 'xstate.emit', params: { event: { type: 'tollgate.lifecycle', event: { type: 'task.evaluated' } } } })).toBe('emit tollgate.lifecycle (task.evaluated)');
    expect(actionSummary({ type: 'xstate.spawnChild', params: { id: 'secOps' } })).toBe('spawn secOps');
    expect(actionSummary({ type: 'xstate.emit', params: null })).toBe('emit');
    expect(actionSummary({ type: 'recordVerdict', params: null })).toBe('recordVerdict');
  });
});
