import { readFileSync } from 'node:fs';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { TASK_MACHINE_VERSION } from '../../machines/version.ts';
import { StoreUnavailableError } from '../errors.ts';
import type { Engine } from '../engine/engine-types.ts';
import type { Logger } from '../engine/logger.ts';
import type { LifecycleEvent } from '../model/lifecycle-event.ts';
import { RISK_LEVELS } from '../model/risk.ts';
import type { PendingApprovalSummary } from '../store/store.ts';
import { failureSummary, storeUnavailableReason } from '../store/store-outage.ts';
import { TaskStateCounts } from './task-state-counts.ts';
import { withinTime } from '../util/deadline.ts';

/** Human decisions counted by the routes, and what the sweeper decides. */
export type DecisionKind = 'approve' | 'reject' | 'reroute' | 'cancel' | 'expire' | 'escalate' | 'approve_on_timeout';

/** The app's Prometheus metrics, in a registry of its own (several apps may share a process). */
export interface GateMetrics {
  readonly registry: Registry;
  readonly sseClients: Gauge;
  observeRequest(method: string, route: string, status: number, seconds: number): void;
  countDecision(kind: DecisionKind): void;
  /** A sweep of the deadline sweeper ended: `atMs` (epoch ms) when it succeeded, or it failed. */
  observeSweep(outcome: { ok: true; atMs: number } | { ok: false }): void;
  /** A store operation failed: a request answered 503 `store_unavailable`, or a read of `/metrics`. */
  countStoreError(where: StoreErrorSite): void;
  /** Stops listening to the engine. */
  close(): void;
}

/** Where a store error was seen: a request answered 503 `store_unavailable`, or a `/metrics` read. */
export type StoreErrorSite = 'request' | 'metrics';

/** How an execution ended, by the task's event: `task.completed`, or `task.failed` and its error code. */
export const EXECUTOR_OUTCOMES = ['completed', 'failed', 'unreachable', 'unavailable', 'outcome_unknown'] as const;
export type ExecutorOutcome = (typeof EXECUTOR_OUTCOMES)[number];

/** `task.failed` codes an outcome of their own (http-executor.ts; engine/task-runner.ts after a crash); any other is `failed`. */
const FAILURE_OUTCOMES: Record<string, ExecutorOutcome> = {
  executor_unreachable: 'unreachable',
  executor_unavailable: 'unavailable',
  execution_outcome_unknown: 'outcome_unknown',
};

/** The package's version, for `tollgate_build_info` (read once; `unknown` if package.json is not beside src/). */
const VERSION = readPackageVersion();

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
 * How long a scrape waits for the store: a store that does not answer (a network that drops
 * packets) must not hold /metrics past Prometheus' scrape timeout (10 s by default), which would
 * lose every metric just when they are needed.
 */
const STORE_READ_TIMEOUT_MS = 2_000;

/**
 * Builds the metrics of one app: tasks by state (gauge), decisions by kind (counter), gate
 * latency (histogram, from a task's `task.proposed` to the event that settles the gate's
 * part), lifecycle events by type, HTTP request durations by route, open event streams;
 * pending approvals by risk and the oldest one's age (read from the store at each scrape, from
 * its approval counts and one index entry: never a scan); executions by outcome; the
 * sweeper's last success and failures; store errors; build info. README "Metrics" says which
 * are this worker's and which the shared store's.
 * @example const metrics = createMetrics(engine, { logger }); await metrics.registry.metrics();
 */
export function createMetrics(engine: Engine, options: { logger: Logger; defaultMetrics?: boolean }): GateMetrics {
  const registry = new Registry();
  // prom-client writes NaN as `Nan`, which Prometheus' text format does not read: `NaN`.
  const text = registry.metrics.bind(registry);
  registry.metrics = async () => (await text()).replace(/ Nan$/gm, ' NaN');
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
  const storeErrors = new Counter({
    name: 'tollgate_store_errors_total',
    help: 'Store operations that failed: requests answered 503 store_unavailable (an outage), and the store reads of /metrics',
    labelNames: ['where'],
    registers: [registry],
    // This scrape's own read counts in this scrape.
    async collect() {
      await readPending();
    },
  });
  for (const where of ['request', 'metrics'] as const) storeErrors.inc({ where }, 0);
  // Read at each scrape; one read serves both gauges (prom-client starts every collect of a
  // scrape in the same tick, so the second finds the first's read under way).
  let pendingRead: Promise<PendingApprovalSummary | null> | null = null;
  const readPending = () => {
    pendingRead ??= withinTime(engine.store.pendingApprovalSummary(), STORE_READ_TIMEOUT_MS, () => new StoreUnavailableError(`no answer within ${STORE_READ_TIMEOUT_MS} ms`))
      .catch((error: unknown) => {
        storeErrors.inc({ where: 'metrics' });
        // An outage is one line with its reason, no stack (as a request's 503 is): a scrape
        // every few seconds on every worker would otherwise fill the log with traces.
        const outage = storeUnavailableReason(error) !== undefined;
        options.logger.warn(outage ? failureSummary(error) : { err: error }, 'metrics: could not read the pending approvals');
        return null;
      })
      .finally(() => {
        pendingRead = null;
      });
    return pendingRead;
  };
  new Gauge({
    name: 'tollgate_pending_approvals',
    help: 'Pending approvals by risk (the whole store; no samples when the store did not answer)',
    labelNames: ['risk'],
    registers: [registry],
    async collect() {
      const summary = await readPending();
      // Unknown (the store did not answer): no samples, rather than the last values as if current.
      if (!summary) return this.reset();
      for (const risk of RISK_LEVELS) this.set({ risk }, summary.byRisk[risk]);
    },
  });
  new Gauge({
    name: 'tollgate_oldest_pending_approval_age_seconds',
    help: 'Age of the oldest pending approval in seconds (0 when none is pending, NaN when the store did not answer; the whole store)',
    registers: [registry],
    async collect() {
      const summary = await readPending();
      // Unknown: NaN (a gauge without labels always has its one sample; 0 would say none is pending).
      if (!summary) return this.set(Number.NaN);
      const oldest = summary.oldestCreatedAt === null ? Number.NaN : Date.parse(summary.oldestCreatedAt);
      this.set(Number.isNaN(oldest) ? 0 : Math.max(0, (engine.clock.now() - oldest) / 1000));
    },
  });
  const executions = new Counter({
    name: 'tollgate_executor_calls_total',
    help: 'Executions by outcome: completed, failed, unreachable (never connected: it did not run), unavailable (5xx or 429 every attempt), outcome_unknown (may have run)',
    labelNames: ['outcome'],
    registers: [registry],
  });
  for (const outcome of EXECUTOR_OUTCOMES) executions.inc({ outcome }, 0);
  const lastSweep = new Gauge({
    name: 'tollgate_sweeper_last_success_timestamp_seconds',
    help: 'When the deadline sweeper last finished a sweep without error (unix seconds; 0 before the first)',
    registers: [registry],
  });
  const sweepFailures = new Counter({ name: 'tollgate_sweeper_failures_total', help: 'Sweeps of the deadline sweeper that failed', registers: [registry] });
  new Gauge({
    name: 'tollgate_build_info',
    help: 'The running Tollgate: its version and the task machine version of the snapshots it writes',
    labelNames: ['version', 'machine_version'],
    registers: [registry],
  }).set({ version: VERSION, machine_version: String(TASK_MACHINE_VERSION) }, 1);

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
    if (event.type === 'task.completed') executions.inc({ outcome: 'completed' });
    else if (event.type === 'task.failed') {
      const code = event.data?.code;
      executions.inc({ outcome: (typeof code === 'string' ? FAILURE_OUTCOMES[code] : undefined) ?? 'failed' });
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
    observeSweep(outcome) {
      if (outcome.ok) lastSweep.set(outcome.atMs / 1000);
      else sweepFailures.inc();
    },
    countStoreError(where) {
      storeErrors.inc({ where });
    },
    close() {
      subscription.unsubscribe();
    },
  };
}

function readPackageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
}
