import type { ElkNode } from 'elkjs/lib/elk-api.js';
import type { HistoryEntry, MachineDefinition, TaskCounts } from '../api/types.ts';
import { FrameSchedule } from '../app/frames.ts';
import { stateLabel } from '../logic/state-style.ts';
import { h, replaceChildren } from '../ui/dom.ts';
import { buildChartModel, type ChartModel, type MeasureText } from './chart-model.ts';
import { type DrawnChart, drawChart } from './chart-svg.ts';
import { historyPath, shortestPath } from './paths.ts';

/** elkjs's browser bundle, loaded by `/visualizer/elk.js` before the app. */
interface ElkApi {
  layout(graph: ElkNode): Promise<ElkNode>;
}
declare global {
  interface Window {
    ELK?: new () => ElkApi;
  }
}

/** How long a pulse lasts (chart.css animates for as long). */
const PULSE_MS = 1_100;
const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';
const FONTS = { state: `600 13px ${FONT}`, label: `11px ${FONT}`, small: `11px ${FONT}` } as const;

/**
 * The statechart panel: the task machine laid out by ELK (layered), a live count of tasks on
 * every state, transitions that pulse as events arrive, and the path of the selected task.
 * @example const chart = new ChartView((state) => live.setFilter({ ...live.filter, state })); await chart.show(machine);
 */
export class ChartView {
  readonly element: HTMLElement;
  readonly #canvas: HTMLElement;
  readonly #caption: HTMLElement;
  readonly #onActivate: (stateId: string) => void;
  #model: ChartModel | null = null;
  #drawn: DrawnChart | null = null;
  #counts: TaskCounts = {};
  #lastState = new Map<string, string>();
  /** The highlighted task's state, so the chart scrolls to it when it changes, not on every redraw. */
  #highlighted: string | null = null;
  /** Pulses start in animation frames, each element at most once a frame, however many events arrive. */
  readonly #pulses = new FrameSchedule<Element>(replay, () => performance.now());

  constructor(onActivate: (stateId: string) => void) {
    this.#onActivate = onActivate;
    this.#canvas = h('div', { class: 'chart-canvas' }, h('p', { class: 'empty' }, 'Laying out the task machine…'));
    this.#caption = h('p', { class: 'chart-caption' }, 'Select a state to list its tasks.');
    this.element = h(
      'section',
      { class: 'panel chart-panel', 'aria-labelledby': 'chart-title' },
      h('header', { class: 'panel-head' }, h('h2', { id: 'chart-title' }, 'Task machine'), this.#caption),
      this.#canvas,
    );
  }

  /** Lays out and draws a machine. */
  async show(definition: MachineDefinition): Promise<void> {
    const ELK = window.ELK;
    if (!ELK) {
      replaceChildren(this.#canvas, h('p', { class: 'empty error' }, 'The layout engine (elk.js) did not load, so the chart cannot be drawn. Reload the page.'));
      return;
    }
    this.#model = buildChartModel(definition, textMeasure());
    const laidOut = await new ELK().layout(this.#model.graph);
    this.#drawn = drawChart(laidOut, this.#model, (state) => this.#onActivate(state));
    replaceChildren(this.#canvas, this.#drawn.svg);
    this.setCounts(this.#counts);
  }

  /** Shows how many tasks are in each state. */
  setCounts(counts: TaskCounts): void {
    this.#counts = counts;
    if (!this.#drawn) return;
    let total = 0;
    for (const [state, badge] of this.#drawn.badges) {
      const count = counts[state as keyof TaskCounts] ?? 0;
      total += count;
      badge.text.textContent = count > 999 ? `${Math.floor(count / 1000)}k` : String(count);
      badge.group.classList.toggle('zero', count === 0);
      this.#drawn.states.get(state)?.setAttribute('aria-label', `${stateLabel(state)}: ${count} task${count === 1 ? '' : 's'}. Show them.`);
    }
    this.#caption.textContent = `${total} task${total === 1 ? '' : 's'} · select a state to list its tasks`;
  }

  /** Highlights a task's path (its history) and its current state; null clears it. */
  highlight(history: readonly HistoryEntry[] | null, current: string | null): void {
    if (!this.#drawn) return;
    const path = history ? historyPath(history) : { edges: [], states: [] };
    this.#drawn.svg.classList.toggle('has-selection', history !== null);
    for (const [id, group] of this.#drawn.edges) group.classList.toggle('on-path', path.edges.includes(id));
    for (const [id, group] of this.#drawn.states) {
      group.classList.toggle('visited', path.states.includes(id));
      group.classList.toggle('current', id === current);
    }
    const node = current === this.#highlighted ? undefined : this.#drawn.states.get(current ?? '');
    this.#highlighted = current;
    if (node) this.#reveal(node);
  }

  /**
   * Scrolls the chart sideways, never the page, to centre a state outside its view: on phones and portrait tablets
   * the chart keeps its size and scrolls in its panel (chart.css), and a task's state could be
   * off to the right. Where the chart fits (desktop) there is nothing to scroll.
   */
  #reveal(node: SVGGElement): void {
    const canvas = this.#canvas;
    if (canvas.scrollWidth <= canvas.clientWidth) return;
    const box = node.getBoundingClientRect();
    const view = canvas.getBoundingClientRect();
    if (box.left >= view.left && box.right <= view.right) return;
    canvas.scrollLeft += box.left + box.width / 2 - (view.left + view.width / 2);
  }

  /**
   * Pulses what a task went through to reach `state`: the edges from the state it was last
   * seen in (the states between announce nothing), or just the state when that is unknown.
   */
  pulse(taskId: string, state: string): void {
    if (!this.#drawn || !this.#model) return;
    const from = this.#lastState.get(taskId) ?? (state === 'proposed' ? null : undefined);
    this.#lastState.delete(taskId);
    if (this.#lastState.size > 5_000) this.#lastState.clear();
    this.#lastState.set(taskId, state);
    const edges = from ? shortestPath(this.#model.edges.values(), from, state) : [];
    edges.forEach((edge, index) => {
      const group = this.#drawn?.edges.get(edge.id);
      if (group) this.#pulses.at(group, index * 140);
    });
    const node = this.#drawn.states.get(state);
    if (node) this.#pulses.at(node, edges.length * 140);
  }

  /** Remembers the state a task is known to be in (so its next event pulses the right way). */
  noteState(taskId: string, state: string): void {
    if (!this.#lastState.has(taskId)) this.#lastState.set(taskId, state);
  }
}

const classTimers = new WeakMap<Element, ReturnType<typeof setTimeout>>();
const running = new WeakMap<Element, Animation>();
/** From orange and thick back to the element's own stroke (the empty keyframe: its style). */
const KEYFRAMES: Keyframe[] = [{ stroke: '#f08c00', strokeWidth: '4.5px' }, {}];
const reducedMotion = typeof matchMedia === 'function' ? matchMedia('(prefers-reduced-motion: reduce)') : null;

/**
 * Pulses an edge (its line) or flashes a state (its box) from the start, with the Web
 * Animations API: replaying a CSS animation needs a class removed, a forced layout and the
 * class added back, and a forced layout per event over a large page froze it for minutes. The
 * class (`pulse`: the orange arrowhead) comes off by timer, not `animationend`, which never
 * fires when the user prefers reduced motion.
 */
function replay(element: Element): void {
  const kind = element.classList.contains('edge') ? 'pulse' : 'flash';
  element.classList.add(kind);
  clearTimeout(classTimers.get(element));
  classTimers.set(
    element,
    setTimeout(() => element.classList.remove(kind), PULSE_MS),
  );
  if (reducedMotion?.matches) return;
  const target = element.querySelector(kind === 'pulse' ? '.edge-line' : '.box');
  if (!target) return;
  running.get(target)?.cancel();
  running.set(target, target.animate(KEYFRAMES, { duration: PULSE_MS, easing: 'ease-out' }));
}

function textMeasure(): MeasureText {
  const context = document.createElement('canvas').getContext('2d');
  return (text, kind) => {
    if (!context) return text.length * 7;
    context.font = FONTS[kind];
    return Math.ceil(context.measureText(kind === 'state' ? stateLabel(text) : text).width);
  };
}
