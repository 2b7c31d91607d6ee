import { readFileSync } from 'node:fs';
import type { ElkNode } from 'elkjs/lib/elk-api.js';
import { describe, expect, it } from 'vitest';
import { taskMachine } from '../../machines/task.machine.ts';
import { TASK_MACHINE_VERSION } from '../../machines/version.ts';
import { describeMachine } from '../../src/server/machine-definition.ts';
import { buildChartModel, labelOf, transitionLabel } from '../../visualizer/src/chart/chart-model.ts';
import { historyPath, shortestPath } from '../../visualizer/src/chart/paths.ts';

const definition = describeMachine(taskMachine, TASK_MACHINE_VERSION);
const measure = (text: string) => text.length * 7;

describe('chart model', () => {
  it('has every state of the task machine and merges transitions per pair of states', () => {
    const model = buildChartModel(definition, measure);
    expect([...model.states.keys()].sort()).toEqual(definition.states.map((s) => s.name).sort());
    expect(model.states.get('evaluating')?.invokes).toEqual(['secOps']);
    expect(model.states.get('parked')?.internal).toEqual(['APPROVE', 'TIMEOUT']);
    expect(model.states.get('completed')?.final).toBe(true);
    const denied = model.edges.get('evaluating->denied')!;
    expect(denied.label).toBe('done · error');
    expect(model.edges.get('evaluating->autoApproved')?.label).toBe('done [allow]');
    // Named guards are in the tooltip lines, not on the chart.
    expect(model.edges.get('parked->resumed')?.label).toBe('APPROVE · TIMEOUT');
    expect(model.edges.get('parked->resumed')?.lines).toEqual(['APPROVE [voteCompletesQuorum]', 'TIMEOUT [timeoutApproves]']);
    expect(model.graph.edges).toHaveLength(model.edges.size);
    expect(model.graph.children).toHaveLength(definition.states.length);
  });

  it('shows a guard only where the same event leads to different states', () => {
    expect(transitionLabel({ event: 'REJECT', target: 'denied', guard: 'approvalPending', actions: [] }, false)).toBe('REJECT');
    expect(transitionLabel({ event: 'xstate.done.actor.secOps', target: 'x', guard: 'verdictIs {"decision":"escalate"}', actions: [] }, true)).toBe('done [escalate]');
    expect(transitionLabel({ event: 'always', target: 'x', guard: 'policyChanged', actions: [] }, true, true)).toBe('always');
    expect(labelOf('done [allow]', measure).text).toBe('done\n[allow]');
  });

  it('nests compound states and resolves their targets', () => {
    const nested = {
      id: 'm', version: 1, initial: 'a',
      states: [
        { name: 'a', type: 'atomic' as const, tags: [], invoke: [], transitions: [{ event: 'GO', target: 'b', guard: null, actions: [] }] },
        { name: 'b', type: 'atomic' as const, tags: [], invoke: [], transitions: [], states: [
          { name: 'inner', type: 'atomic' as const, tags: [], invoke: [], transitions: [{ event: 'OUT', target: '#m.a', guard: null, actions: [] }] },
        ] },
      ],
    };
    const model = buildChartModel(nested, measure);
    expect(model.states.get('b')?.compound).toBe(true);
    expect(model.states.has('b.inner')).toBe(true);
    expect(model.edges.has('b.inner->a')).toBe(true);
    expect(model.graph.children?.[1]?.children?.[0]?.id).toBe('b.inner');
  });

  it('lays out with elkjs (the same bundle the browser loads)', async () => {
    const { default: ELK } = (await import('elkjs/lib/elk.bundled.js')) as unknown as { default: new () => { layout(graph: ElkNode): Promise<ElkNode> } };
    const model = buildChartModel(definition, measure);
    const laidOut = await new ELK().layout(model.graph);
    // Every state and transition comes back laid out (the checks below would pass on none).
    expect(laidOut.children).toHaveLength(definition.states.length);
    expect(laidOut.edges).toHaveLength(model.edges.size);
    for (const child of laidOut.children ?? []) expect(child.x).toBeGreaterThanOrEqual(0);
    expect(laidOut.edges?.every((edge) => (edge.sections?.length ?? 0) > 0)).toBe(true);
    expect(readFileSync(new URL('../../visualizer/index.html', import.meta.url), 'utf8')).toContain('/visualizer/elk.js');
  });
});

describe('paths', () => {
  const edges = [...buildChartModel(definition, measure).edges.values()];

  it('finds what a task went through between two announced states', () => {
    expect(shortestPath(edges, 'proposed', 'parked').map((e) => e.to)).toEqual(['evaluating', 'awaitingHuman', 'parked']);
    expect(shortestPath(edges, 'parked', 'completed').map((e) => e.to)).toEqual(['resumed', 'executing', 'completed']);
    expect(shortestPath(edges, 'completed', 'parked')).toEqual([]);
    expect(shortestPath(edges, 'parked', 'parked')).toEqual([]);
  });

  it('turns a history into the edges and states to highlight', () => {
    const history = [
      { at: '1', from: null, to: 'proposed' as const, event: 'xstate.init' },
      { at: '2', from: 'proposed' as const, to: 'evaluating' as const, event: 'EVALUATE' },
      { at: '3', from: 'evaluating' as const, to: 'autoApproved' as const, event: 'xstate.done.actor.secOps' },
    ];
    expect(historyPath(history)).toEqual({ edges: ['proposed->evaluating', 'evaluating->autoApproved'], states: ['proposed', 'evaluating', 'autoApproved'] });
  });
});
