import type { ElkExtendedEdge, ElkLabel, ElkNode } from 'elkjs/lib/elk-api.js';
import type { MachineDefinition, MachineState, MachineTransition } from '../api/types.ts';

/** One arrow of the chart: every transition from one state to another, merged. */
export interface ChartEdge {
  id: string;
  from: string;
  to: string;
  /** One line per distinct transition, guards included: `EVALUATE`, `APPROVE [voteCompletesQuorum]`. */
  lines: string[];
  /** What the chart prints: events, with only the guards that are short values (`done [allow]`), on one line. */
  label: string;
}

/** One state of the chart. */
export interface ChartState {
  /** Its path: `parked`, or `parent.child` for a state inside a compound one. */
  id: string;
  name: string;
  final: boolean;
  compound: boolean;
  /** Child actors it invokes (`secOps`). */
  invokes: string[];
  /** Transitions that stay in the state (a vote short of quorum, an escalation). */
  internal: string[];
}

/** The chart as data: states, merged edges, and the ELK graph to lay out. */
export interface ChartModel {
  machineId: string;
  version: number;
  initial: string;
  states: Map<string, ChartState>;
  edges: Map<string, ChartEdge>;
  graph: ElkNode;
}

/** Measures text width in pixels, for node and label sizes. */
export type MeasureText = (text: string, kind: 'state' | 'label' | 'small') => number;

/** Sizes the renderer draws at; ELK is given the same. */
export const CHART_METRICS = { nodeHeight: 44, lineHeight: 13, labelPadding: 3, nodeMinWidth: 84, badgeWidth: 30, compoundTop: 30 } as const;

/**
 * Builds the chart of a machine definition: each state a node (compound states hold their
 * children), the machine itself the outer compound node, and one edge per pair of states with
 * every transition between them as a label line. Targetless transitions are listed inside
 * their state.
 * @example const model = buildChartModel(definition, (text) => text.length * 7);
 */
export function buildChartModel(definition: MachineDefinition, measure: MeasureText): ChartModel {
  const states = new Map<string, ChartState>();
  const edges = new Map<string, ChartEdge>();
  const addState = (state: MachineState, parent: string | null): ElkNode => {
    const id = parent ? `${parent}.${state.name}` : state.name;
    const children = state.states ?? [];
    const chartState: ChartState = {
      id,
      name: state.name,
      final: state.type === 'final',
      compound: children.length > 0,
      invokes: state.invoke.map((invoke) => invoke.src),
      internal: [...new Set(state.transitions.filter((t) => t.target === null).map((t) => t.event))],
    };
    states.set(id, chartState);
    const ambiguous = ambiguousEvents(state.transitions);
    for (const transition of state.transitions) {
      if (transition.target === null) continue;
      const target = resolveTarget(transition.target, parent);
      const edgeId = `${id}->${target}`;
      const edge = edges.get(edgeId) ?? { id: edgeId, from: id, to: target, lines: [], label: '' };
      const line = transitionLabel(transition, ambiguous.has(transition.event));
      if (!edge.lines.includes(line)) edge.lines.push(line);
      const short = transitionLabel(transition, ambiguous.has(transition.event), true);
      const parts = edge.label === '' ? [] : edge.label.split(' · ');
      if (!parts.includes(short)) edge.label = [...parts, short].join(' · ');
      edges.set(edgeId, edge);
    }
    if (chartState.compound) {
      return {
        id,
        labels: [{ text: state.name, width: measure(state.name, 'state'), height: CHART_METRICS.lineHeight }],
        layoutOptions: { 'elk.padding': `[top=${CHART_METRICS.compoundTop},left=12,bottom=12,right=12]` },
        children: children.map((child) => addState(child, id)),
      };
    }
    return { id, width: nodeWidth(chartState, measure), height: nodeHeight(chartState) };
  };
  const children = definition.states.map((state) => addState(state as MachineState, null));
  const elkEdges: ElkExtendedEdge[] = [...edges.values()].map((edge) => ({
    id: edge.id,
    sources: [edge.from],
    targets: [edge.to],
    // Centred labels get a layer of their own: one word a line keeps those layers narrow
    // (the chart is eight states deep, and has to fit the width of a laptop screen).
    labels: [labelOf(edge.label, measure)],
  }));
  const title = `${definition.id} machine · v${definition.version}`;
  // The machine is the outermost compound state: the root of the graph, framed and titled.
  const graph: ElkNode = {
    id: 'root',
    labels: [{ text: title, width: measure(title, 'small'), height: CHART_METRICS.lineHeight }],
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
      'elk.edgeRouting': 'ORTHOGONAL',
      'elk.layered.spacing.nodeNodeBetweenLayers': '16',
      'elk.spacing.nodeNode': '18',
      'elk.spacing.edgeNode': '10',
      'elk.spacing.edgeEdge': '8',
      'elk.spacing.edgeLabel': '2',
      'elk.layered.spacing.edgeNodeBetweenLayers': '8',
      'elk.edgeLabels.placement': 'CENTER',
      'elk.layered.edgeLabels.centerLabelPlacementStrategy': 'SPACE_EFFICIENT_LAYER',
      'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
      'elk.layered.nodePlacement.strategy': 'NETWORK_SIMPLEX',
      'elk.padding': `[top=${CHART_METRICS.compoundTop},left=16,bottom=14,right=16]`,
    },
    children,
    edges: elkEdges,
  };
  return { machineId: definition.id, version: definition.version, initial: definition.initial, states, edges, graph };
}

/**
 * A transition as a label line: its event, short (`xstate.done.actor.secOps` → `done`: the
 * state says what it invokes), and — when `withGuard`, because the same event leads to
 * different states — its guard in brackets (a guard's single parameter stands for it:
 * `verdictIs {"decision":"allow"}` → `allow`). `valuesOnly` leaves out guards that are only
 * a name (the chart shows those in the edge's tooltip).
 * @example transitionLabel({ event: 'xstate.done.actor.secOps', target: 'autoApproved', guard: 'verdictIs {"decision":"allow"}', actions: [] }, true) // 'done [allow]'
 */
export function transitionLabel(transition: MachineTransition, withGuard: boolean, valuesOnly = false): string {
  const event = shortEvent(transition.event);
  if (!transition.guard || !withGuard) return event;
  const guard = guardLabel(transition.guard);
  if (valuesOnly && guard.value === null) return event;
  return `${event} [${guard.value ?? guard.name}]`;
}

/** `xstate.done.actor.x` → `done`, `xstate.error.actor.x` → `error`; other events as they are. */
function shortEvent(event: string): string {
  if (event.startsWith('xstate.done.actor.')) return 'done';
  if (event.startsWith('xstate.error.actor.')) return 'error';
  return event;
}

/** Events of a state that lead to more than one place (then the guards tell them apart). */
function ambiguousEvents(transitions: readonly MachineTransition[]): Set<string> {
  const targets = new Map<string, Set<string | null>>();
  for (const transition of transitions) targets.set(transition.event, (targets.get(transition.event) ?? new Set()).add(transition.target));
  return new Set([...targets].filter(([, to]) => to.size > 1).map(([event]) => event));
}

/** A guard's name, and its single string parameter when it has one (`verdictIs {"decision":"allow"}` → `allow`). */
function guardLabel(guard: string): { name: string; value: string | null } {
  const space = guard.indexOf(' ');
  if (space === -1) return { name: guard, value: null };
  try {
    const params = JSON.parse(guard.slice(space + 1)) as unknown;
    if (params && typeof params === 'object') {
      const values = Object.values(params);
      if (values.length === 1 && typeof values[0] === 'string') return { name: guard, value: values[0] };
    }
  } catch {
    // not JSON: show the guard as it is
  }
  return { name: guard, value: null };
}

/** Targets are siblings (`parked`) or absolute (`#task.parked`); both are resolved against the parent. */
function resolveTarget(target: string, parent: string | null): string {
  if (target.startsWith('#')) return target.slice(1).split('.').slice(1).join('.');
  return parent ? `${parent}.${target}` : target;
}

/**
 * An edge label for ELK: one event (or guard) a line, `done [allow]` → `done` / `[allow]`.
 * @example labelOf('APPROVE · TIMEOUT', measure).text // 'APPROVE\nTIMEOUT'
 */
export function labelOf(label: string, measure: MeasureText): ElkLabel {
  const lines = label.replace(/ \[/g, ' · [').split(' · ');
  return {
    text: lines.join('\n'),
    width: Math.max(...lines.map((line) => measure(line, 'label'))) + 2 * CHART_METRICS.labelPadding,
    height: lines.length * CHART_METRICS.lineHeight + CHART_METRICS.labelPadding,
  };
}

/** Name on the first line; what it invokes or handles on the next, the count badge at their right. */
function nodeWidth(state: ChartState, measure: MeasureText): number {
  const sub = subtitle(state);
  const title = measure(state.name, 'state') + 22;
  const lines = (sub ? sub.split('\n') : ['']).map((line) => (line ? measure(line, 'small') : 0) + CHART_METRICS.badgeWidth + 28);
  return Math.ceil(Math.max(CHART_METRICS.nodeMinWidth, title, ...lines));
}

function nodeHeight(state: ChartState): number {
  return CHART_METRICS.nodeHeight + (state.internal.length > 0 && state.invokes.length > 0 ? CHART_METRICS.lineHeight : 0);
}

/**
 * The small line under a state's name: what it invokes, what it handles without leaving,
 * or that it is final.
 * @example subtitle({ invokes: ['secOps'], internal: [], final: false }) // 'invokes secOps'
 */
export function subtitle(state: Pick<ChartState, 'invokes' | 'internal' | 'final'>): string {
  const parts: string[] = [];
  if (state.invokes.length > 0) parts.push(`▸ ${state.invokes.join(', ')}`);
  if (state.internal.length > 0) parts.push(`↻ ${state.internal.join(', ')}`);
  if (parts.length === 0 && state.final) parts.push('final');
  return parts.join('\n');
}
