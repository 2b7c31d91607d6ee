import type { ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api.js';
import { stateLabel, stateTone } from '../logic/state-style.ts';
import { activatable, s } from '../ui/dom.ts';
import { CHART_METRICS, type ChartModel, subtitle } from './chart-model.ts';

/** The drawn chart, with handles on what changes live. */
export interface DrawnChart {
  svg: SVGSVGElement;
  /** State groups by state id. */
  states: Map<string, SVGGElement>;
  /** Count badges by state id. */
  badges: Map<string, { group: SVGGElement; text: SVGTextElement }>;
  /** Edge groups by edge id (`from->to`). */
  edges: Map<string, SVGGElement>;
}

interface Offset {
  x: number;
  y: number;
}

/**
 * Draws a laid-out chart as SVG: compound states as labelled frames, states as rounded boxes
 * coloured by tone with a count badge, transitions as orthogonal arrows with their labels.
 * Each state is keyboard-reachable (Tab, Enter/Space call `onActivate`).
 * @example const drawn = drawChart(await elk.layout(model.graph), model, (state) => filterBy(state));
 */
export function drawChart(laidOut: ElkNode, model: ChartModel, onActivate: (stateId: string) => void): DrawnChart {
  const width = Math.ceil(laidOut.width ?? 400);
  const height = Math.ceil(laidOut.height ?? 300);
  const svg = s('svg', {
    class: 'chart-svg',
    viewBox: `0 0 ${width} ${height}`,
    // Its own size: chart.css fits it to the panel, except on phones and portrait tablets, where it keeps this size
    // (labels readable, states big enough to tap) and the panel scrolls sideways.
    width,
    height,
    preserveAspectRatio: 'xMidYMid meet',
    role: 'group',
    'aria-label': `Statechart of the ${model.machineId} machine, version ${model.version}`,
  });
  svg.append(markers());
  const drawn: DrawnChart = { svg, states: new Map(), badges: new Map(), edges: new Map() };
  const frames = s('g', { class: 'frames' });
  const edgeLayer = s('g', { class: 'edges' });
  const stateLayer = s('g', { class: 'states' });
  svg.append(frames, edgeLayer, stateLayer);
  const offsets = new Map<string, Offset>();

  const visit = (node: ElkNode, offset: Offset) => {
    const at = { x: offset.x + (node.x ?? 0), y: offset.y + (node.y ?? 0) };
    offsets.set(node.id, at);
    if (node.children && node.children.length > 0) frames.append(drawFrame(node, at));
    else if (model.states.has(node.id)) drawState(node, at, model, drawn, stateLayer, onActivate);
    for (const child of node.children ?? []) visit(child, at);
  };
  visit(laidOut, { x: 0, y: 0 });

  const drawEdges = (node: ElkNode) => {
    for (const edge of node.edges ?? []) {
      const container = (edge as ElkExtendedEdge & { container?: string }).container ?? node.id;
      const group = drawEdge(edge, offsets.get(container) ?? { x: 0, y: 0 }, model.edges.get(edge.id)?.lines ?? []);
      drawn.edges.set(edge.id, group);
      edgeLayer.append(group);
    }
    for (const child of node.children ?? []) drawEdges(child);
  };
  drawEdges(laidOut);
  const initial = offsets.get(model.initial);
  const initialNode = findNode(laidOut, model.initial);
  if (initial && initialNode) {
    const y = initial.y + (initialNode.height ?? 0) / 2;
    edgeLayer.append(s('g', { class: 'initial' }, s('circle', { cx: initial.x - 13, cy: y, r: 4 }), s('path', { d: `M ${initial.x - 9} ${y} L ${initial.x - 1} ${y}`, 'marker-end': 'url(#arrow)' })));
  }
  return drawn;
}

function drawFrame(node: ElkNode, at: Offset): SVGGElement {
  const label = node.labels?.[0]?.text ?? node.id;
  return s(
    'g',
    { class: 'frame', 'data-frame': node.id },
    s('rect', { x: at.x, y: at.y, width: node.width ?? 0, height: node.height ?? 0, rx: 12 }),
    s('text', { x: at.x + 14, y: at.y + 19, class: 'frame-label' }, label),
  );
}

function drawState(node: ElkNode, at: Offset, model: ChartModel, drawn: DrawnChart, layer: SVGGElement, onActivate: (id: string) => void): void {
  const state = model.states.get(node.id)!;
  const width = node.width ?? 0;
  const height = node.height ?? CHART_METRICS.nodeHeight;
  const group = s('g', { class: `state tone-${stateTone(state.name)}${state.final ? ' final' : ''}`, 'data-state': state.id, transform: `translate(${at.x} ${at.y})` });
  group.append(s('rect', { class: 'box', width, height, rx: 8 }));
  if (state.final) group.append(s('rect', { class: 'inner', x: 3, y: 3, width: width - 6, height: height - 6, rx: 6 }));
  group.append(s('text', { class: 'state-name', x: 11, y: 18 }, stateLabel(state.name)));
  subtitle(state)
    .split('\n')
    .filter(Boolean)
    .forEach((line, index) => {
      group.append(s('text', { class: 'state-sub', x: 11, y: 34 + index * CHART_METRICS.lineHeight }, line));
    });
  const badgeX = width - 8 - CHART_METRICS.badgeWidth;
  const badgeY = height - 22;
  const badgeText = s('text', { class: 'badge-text', x: badgeX + CHART_METRICS.badgeWidth / 2, y: badgeY + 11.5 }, '0');
  const badge = s('g', { class: 'badge zero' }, s('rect', { x: badgeX, y: badgeY, width: CHART_METRICS.badgeWidth, height: 16, rx: 8 }), badgeText);
  group.append(badge, s('title', {}, `${state.name}`));
  activatable(group, () => onActivate(state.id), `${stateLabel(state.name)}: show its tasks`);
  drawn.states.set(state.id, group);
  drawn.badges.set(state.id, { group: badge, text: badgeText });
  layer.append(group);
}

function drawEdge(edge: ElkExtendedEdge, offset: Offset, transitions: string[]): SVGGElement {
  const [from, to] = edge.id.split('->');
  const group = s('g', { class: 'edge', 'data-edge': edge.id }, s('title', {}, `${from} → ${to}\n${transitions.join('\n')}`));
  for (const section of edge.sections ?? []) {
    const points = [section.startPoint, ...(section.bendPoints ?? []), section.endPoint].map((p) => ({ x: p.x + offset.x, y: p.y + offset.y }));
    group.append(s('path', { class: 'edge-line', d: roundedPath(points, 6), 'marker-end': 'url(#arrow)' }));
  }
  for (const label of edge.labels ?? []) {
    const x = (label.x ?? 0) + offset.x;
    const y = (label.y ?? 0) + offset.y;
    const lines = (label.text ?? '').split('\n');
    group.append(s('rect', { class: 'edge-label-bg', x, y, width: label.width ?? 0, height: label.height ?? 0, rx: 3 }));
    lines.forEach((line, index) => {
      group.append(s('text', { class: 'edge-label', x: x + (label.width ?? 0) / 2, y: y + 10.5 + index * CHART_METRICS.lineHeight }, line));
    });
  }
  return group;
}

/** A polyline whose corners are rounded with radius `r` (orthogonal routes read better so). */
function roundedPath(points: Offset[], r: number): string {
  if (points.length < 2) return '';
  let d = `M ${points[0]!.x} ${points[0]!.y}`;
  for (let i = 1; i < points.length - 1; i++) {
    const [prev, at, next] = [points[i - 1]!, points[i]!, points[i + 1]!];
    const inLength = Math.hypot(at.x - prev.x, at.y - prev.y);
    const outLength = Math.hypot(next.x - at.x, next.y - at.y);
    const radius = Math.min(r, inLength / 2, outLength / 2);
    const before = { x: at.x - ((at.x - prev.x) / (inLength || 1)) * radius, y: at.y - ((at.y - prev.y) / (inLength || 1)) * radius };
    const after = { x: at.x + ((next.x - at.x) / (outLength || 1)) * radius, y: at.y + ((next.y - at.y) / (outLength || 1)) * radius };
    d += ` L ${before.x} ${before.y} Q ${at.x} ${at.y} ${after.x} ${after.y}`;
  }
  const last = points.at(-1)!;
  return `${d} L ${last.x} ${last.y}`;
}

function markers(): SVGDefsElement {
  const marker = (id: string) =>
    s('marker', { id, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' }, s('path', { d: 'M 0 1 L 9 5 L 0 9 z' }));
  return s('defs', {}, marker('arrow'), marker('arrow-path'), marker('arrow-pulse'));
}

function findNode(node: ElkNode, id: string): ElkNode | undefined {
  if (node.id === id) return node;
  for (const child of node.children ?? []) {
    const found = findNode(child, id);
    if (found) return found;
  }
  return undefined;
}
