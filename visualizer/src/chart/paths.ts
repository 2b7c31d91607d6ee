import type { HistoryEntry } from '../api/types.ts';
import type { ChartEdge } from './chart-model.ts';

/**
 * The edges of the shortest way from one state to another (breadth first), or `[]` when
 * there is none or they are the same state. Used to pulse what a task went through between
 * two lifecycle events (the states between, like `evaluating`, announce nothing).
 * @example shortestPath(edges, 'proposed', 'parked').map((e) => e.to) // ['evaluating', 'awaitingHuman', 'parked']
 */
export function shortestPath(edges: Iterable<ChartEdge>, from: string, to: string): ChartEdge[] {
  if (from === to) return [];
  const outgoing = new Map<string, ChartEdge[]>();
  for (const edge of edges) outgoing.set(edge.from, [...(outgoing.get(edge.from) ?? []), edge]);
  const cameBy = new Map<string, ChartEdge | null>([[from, null]]);
  const queue = [from];
  while (queue.length > 0) {
    const state = queue.shift()!;
    for (const edge of outgoing.get(state) ?? []) {
      if (cameBy.has(edge.to)) continue;
      cameBy.set(edge.to, edge);
      if (edge.to === to) return unwind(cameBy, to);
      queue.push(edge.to);
    }
  }
  return [];
}

function unwind(cameBy: Map<string, ChartEdge | null>, to: string): ChartEdge[] {
  const path: ChartEdge[] = [];
  for (let edge = cameBy.get(to); edge; edge = cameBy.get(edge.from)) path.unshift(edge);
  return path;
}

/**
 * The edge ids and states a task's history went through, for highlighting its path.
 * @example historyPath(task.history).edges // ['proposed->evaluating', 'evaluating->awaitingHuman', …]
 */
export function historyPath(history: readonly HistoryEntry[]): { edges: string[]; states: string[] } {
  const edges: string[] = [];
  const states: string[] = [];
  for (const step of history) {
    if (step.from !== null) {
      edges.push(`${step.from}->${step.to}`);
      if (!states.includes(step.from)) states.push(step.from);
    }
    if (!states.includes(step.to)) states.push(step.to);
  }
  return { edges, states };
}
