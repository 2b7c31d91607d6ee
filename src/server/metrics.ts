import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Engine } from '../engine/engine-types.ts';
import type { Logger } from '../engine/logger.ts';
import type { LifecycleEvent } from '../model/lifecycle-event.ts';
import { TaskStateCounts } from './task-state-counts.ts';

/** Human decisions counted by the routes, and what the sweeper decides. */
export type DecisionKind = 'approve' | 'reject' | 'reroute' | 'cancel' | 'expire' | 'escalate' | 'approve_on_timeout';

/** The app's Prometheus metrics, in a registry of its own (several apps may share a process). */
export interface GateMetrics {
  readonly registry: Registry;
  readonly sseClients: Gauge;
  observeRequest(method: string, route: string, status: number, seconds: number): void;
  countDecision(kind: DecisionKind): void;
  /** Stops listening to the engine. */
  close(): void;
}

/** Outcomes that end the gate's part of a task: it parked, or the gate cleared, denied or rerouted it. */
const GATE_OUTCOMES: Partial<Record<LifecycleEvent['type'], string>> = {
  'task.parked': 'parked',
  'task.executing': 'cleared',
  'task.denied': 'denied',
  'task.rerouted': 'rerouted',
  'task.failed': 'failed',
};
const MAX_TIMED = 10_000;

/**
 * Builds the metrics of one app: tasks by state (gauge), decisions by kind (counter), gate
 * latency (histogram, from a task's `task.proposed` to the event that settles the gate's
 * part), lifecycle events by type, HTTP request durations by route, open event streams.
 * @example const metrics = createMetrics(engine, { logger }); await metrics.registry.metrics();
 */
export function createMetrics(engine: Engine, options: { logger: Logger; defaultMetrics?: boolean }): GateMetrics {
  const registry = new Registry();
  if (options.defaultMetrics) collectDefaultMetrics({ register: registry, prefix: 'tollgate_' });
  const counts = new TaskStateCounts();
  const seeded = counts.seed(engine.store).catch((error) => options.logger.error({ err: error }, 'could not count stored tasks'));

  new Gauge({
    name: 'tollgate_tasks',
    help: 'Tasks by state (seeded from the store at start, then kept by lifecycle events)',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      await seeded;
      for (const [state, value] of Object.entries(counts.snapshot())) this.set({ state }, value);
    },
  });
  const decisions = new Counter({
    name: 'tollgate_decisions_total',
    help: 'Decisions on approvals by kind (human ones counted by the API, timeouts by the sweeper)',
    labelNames: ['kind'],
    registers: [registry],
  });
  const events = new Counter({ name: 'tollgate_events_total', help: 'Lifecycle events by type', labelNames: ['type'], registers: [registry] });
  const gateLatency = new Histogram({
    name: 'tollgate_gate_latency_seconds',
    help: 'From task.proposed to the gate settling the task (parked, cleared, denied, rerouted)',
    labelNames: ['outcome'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const requests = new Histogram({
    name: 'tollgate_http_request_duration_seconds',
    help: 'HTTP requests by method, route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10, 60],
    registers: [registry],
  });
  const sseClients = new Gauge({ name: 'tollgate_sse_clients', help: 'Open event streams', registers: [registry] });

  const proposedAt = new Map<string, number>();
  const subscription = engine.events$.subscribe((event) => {
    events.inc({ type: event.type });
    counts.observe(event.taskId, event.type);
    if (event.type === 'task.proposed') {
      if (proposedAt.size >= MAX_TIMED) proposedAt.delete(proposedAt.keys().next().value as string);
      proposedAt.set(event.taskId, performance.now());
    }
    const outcome = GATE_OUTCOMES[event.type];
    const started = outcome ? proposedAt.get(event.taskId) : undefined;
    if (outcome && started !== undefined) {
      proposedAt.delete(event.taskId);
      gateLatency.observe({ outcome }, (performance.now() - started) / 1000);
    }
    if (event.actor === 'system') {
      if (event.type === 'approval.expired') decisions.inc({ kind: 'expire' });
      else if (event.type === 'approval.escalated') decisions.inc({ kind: 'escalate' });
      else if (event.type === 'approval.approved') decisions.inc({ kind: 'approve_on_timeout' });
    }
  });

  return {
    registry,
    sseClients,
    observeRequest(method, route, status, seconds) {
      requests.observe({ method, route, status: String(status) }, seconds);
    },
    countDecision(kind) {
      decisions.inc({ kind });
    },
    close() {
      subscription.unsubscribe();
    },
  };
}
