import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TASK_MACHINE_VERSION } from '../../machines/version.ts';
import { createEngine } from '../../src/engine/engine.ts';
import { createLogger } from '../../src/engine/logger.ts';
import { startSweeper } from '../../src/engine/sweeper.ts';
import { createApp } from '../../src/server/app.ts';
import { createMetrics } from '../../src/server/metrics.ts';
import { observeSweeps } from '../../src/server/sweep-observer.ts';
import { createMemoryStore } from '../../src/store/memory.ts';
import { connectionRefused, StoreOutage } from '../support/outage-store.ts';
import { RecordingExecutor } from '../support/recording-executor.ts';
import { AppHarness, GRANTS, PROPOSALS } from './support/app-harness.ts';

const metricsOf = async (h: AppHarness) => (await h.call('GET', '/metrics', { as: null })).text;
/** The value of one sample, or undefined when the series is absent. */
const sample = (text: string, series: string): number | undefined => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

describe('/metrics for operators', () => {
  let h: AppHarness;
  afterEach(async () => {
    await h.close();
  });

  it('pending approvals by risk and the age of the oldest, read from the store at each scrape', async () => {
    h = new AppHarness();
    let text = await metricsOf(h);
    for (const risk of ['low', 'medium', 'high', 'critical']) expect(sample(text, `tollgate_pending_approvals{risk="${risk}"}`)).toBe(0);
    expect(sample(text, 'tollgate_oldest_pending_approval_age_seconds')).toBe(0);

    const first = await h.submit(PROPOSALS.human);
    h.clock.advance(90_000);
    await h.submit(PROPOSALS.human);
    await h.submit(PROPOSALS.critical);
    h.clock.advance(30_000);
    text = await metricsOf(h);
    expect(sample(text, 'tollgate_pending_approvals{risk="high"}')).toBe(2);
    expect(sample(text, 'tollgate_pending_approvals{risk="critical"}')).toBe(1);
    expect(sample(text, 'tollgate_oldest_pending_approval_age_seconds')).toBe(120);

    await h.call('POST', `/api/v1/approvals/${first.approvalId}/reject`, { as: 'alice', body: { reason: 'no' } });
    text = await metricsOf(h);
    expect(sample(text, 'tollgate_pending_approvals{risk="high"}')).toBe(1);
    expect(sample(text, 'tollgate_oldest_pending_approval_age_seconds')).toBe(30);
  });

  it('reads no rows per scrape but the store summary: no listing of tasks or approvals', async () => {
    h = new AppHarness();
    for (let i = 0; i < 5; i += 1) await h.submit(PROPOSALS.human);
    await metricsOf(h); // the task gauge's one seed, at start
    const listTasks = vi.spyOn(h.store, 'listTasks');
    const listApprovals = vi.spyOn(h.store, 'listApprovals');
    const summary = vi.spyOn(h.store, 'pendingApprovalSummary');
    await metricsOf(h);
    await metricsOf(h);
    expect(listTasks).not.toHaveBeenCalled();
    expect(listApprovals).not.toHaveBeenCalled();
    // One read serves both gauges.
    expect(summary).toHaveBeenCalledTimes(2);
  });

  it('counts executions by outcome from the tasks that completed or failed, by their error code', async () => {
    h = new AppHarness({ executor: new RecordingExecutor({ idempotent: true }) });
    await h.submit(PROPOSALS.auto);
    await h.submit(PROPOSALS.auto);
    await h.submit({ ...PROPOSALS.auto, args: { failExecution: true } });
    await h.submit({ ...PROPOSALS.auto, args: { failWith: 'executor_unreachable' } });
    await h.submit({ ...PROPOSALS.auto, args: { failWith: 'executor_unavailable' } });
    await h.submit({ ...PROPOSALS.auto, args: { failWith: 'execution_outcome_unknown' } });
    await h.submit(PROPOSALS.human); // parked: no execution
    const text = await metricsOf(h);
    expect(sample(text, 'tollgate_executor_calls_total{outcome="completed"}')).toBe(2);
    expect(sample(text, 'tollgate_executor_calls_total{outcome="failed"}')).toBe(1);
    expect(sample(text, 'tollgate_executor_calls_total{outcome="unreachable"}')).toBe(1);
    expect(sample(text, 'tollgate_executor_calls_total{outcome="unavailable"}')).toBe(1);
    expect(sample(text, 'tollgate_executor_calls_total{outcome="outcome_unknown"}')).toBe(1);
  });

  it('build info, and every metric name clients already scrape', async () => {
    h = new AppHarness();
    await h.submit(PROPOSALS.auto);
    const text = await metricsOf(h);
    expect(text).toMatch(new RegExp(`^tollgate_build_info\\{version="\\d+\\.\\d+\\.\\d+[^"]*",machine_version="${TASK_MACHINE_VERSION}"\\} 1$`, 'm'));
    for (const name of ['tollgate_tasks', 'tollgate_decisions_total', 'tollgate_events_total', 'tollgate_gate_latency_seconds', 'tollgate_http_request_duration_seconds', 'tollgate_sse_clients']) {
      expect(text).toContain(`# TYPE ${name} `);
    }
    expect(sample(text, 'tollgate_store_errors_total{where="request"}')).toBe(0);
    expect(sample(text, 'tollgate_sweeper_failures_total')).toBe(0);
    expect(sample(text, 'tollgate_sweeper_last_success_timestamp_seconds')).toBe(0);
  });
});

describe('/metrics while the store is down', () => {
  it('still answers: pending approvals have no samples, the oldest age is NaN, store errors are counted (requests and scrapes)', async () => {
    const outage = new StoreOutage(createMemoryStore());
    const engine = createEngine({ store: outage.store });
    const lines: { level: number; route?: string; status?: number }[] = [];
    const app = createApp({ engine, tokens: GRANTS, logger: pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) }) });
    const scrape = async () => (await app.request('/metrics')).text();
    expect(sample(await scrape(), 'tollgate_pending_approvals{risk="high"}')).toBe(0);

    outage.failWith(connectionRefused());
    const refused = await app.request('/api/v1/tasks', { headers: { authorization: `Bearer ${GRANTS[0]!.token}` } });
    expect(refused.status).toBe(503);
    const response = await app.request('/metrics');
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(sample(text, 'tollgate_pending_approvals{risk="high"}')).toBeUndefined();
    expect(sample(text, 'tollgate_oldest_pending_approval_age_seconds')).toBeNaN();
    // Prometheus' text format spells it NaN (prom-client writes Nan).
    expect(text).toMatch(/^tollgate_oldest_pending_approval_age_seconds NaN$/m);
    // A readiness probe's 503 is its answer, at info; the request that met the outage, at warn; nothing at error.
    expect((await app.request('/readyz')).status).toBe(503);
    expect(lines.find((line) => line.route === '/readyz')).toMatchObject({ level: 30, status: 503 });
    expect(lines.find((line) => line.route === '/api/v1/tasks')).toMatchObject({ level: 40, status: 503 });
    expect(lines.filter((line) => line.level >= 50)).toEqual([]);
    // The scrape's failed read: one warn line with the reason and no stack, like a request's
    // (a trial on PostgreSQL logged a stack trace at every scrape of every worker during an outage).
    expect(lines.find((line) => (line as { msg?: string }).msg?.startsWith('metrics:'))).toMatchObject({ level: 40, code: 'ECONNREFUSED' });
    expect(JSON.stringify(lines)).not.toMatch(/"stack"|\\n\s+at /);
    expect(sample(text, 'tollgate_store_errors_total{where="request"}')).toBe(1);
    expect(sample(text, 'tollgate_store_errors_total{where="metrics"}')).toBe(1);

    outage.restore();
    expect(sample(await scrape(), 'tollgate_pending_approvals{risk="high"}')).toBe(0);
    await engine.close();
  });

  it('does not wait past 2 s for a store that does not answer', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const outage = new StoreOutage(createMemoryStore());
      const engine = createEngine({ store: outage.store });
      const lines: Record<string, unknown>[] = [];
      const metrics = createMetrics(engine, { logger: pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) }) });
      outage.hang();
      const text = metrics.registry.metrics();
      await vi.advanceTimersByTimeAsync(2_000);
      expect(sample(await text, 'tollgate_store_errors_total{where="metrics"}')).toBe(1);
      // A store that does not answer is an outage too: one warn line, its reason, no stack.
      expect(lines).toEqual([expect.objectContaining({ level: 40, code: 'store_unavailable' })]);
      expect(JSON.stringify(lines)).not.toMatch(/"stack"/);
      metrics.close();
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('the sweeper in /metrics (observeSweeps over the real sweeper)', () => {
  it('records the last successful sweep and counts failed ones', async () => {
    const engine = createEngine({ store: createMemoryStore() });
    const metrics = createMetrics(engine, { logger: createLogger('silent') });
    const expireDue = vi.spyOn(engine, 'expireDue');
    expireDue.mockRejectedValueOnce(connectionRefused()).mockRejectedValueOnce(connectionRefused());
    const before = Date.now();
    const sweeper = startSweeper(
      observeSweeps(engine, 500, (outcome) => metrics.observeSweep(outcome)),
      { intervalMs: 10, logger: createLogger('silent'), batch: 500 },
    );
    let text = '';
    for (let i = 0; i < 100; i += 1) {
      text = await metrics.registry.metrics();
      if ((sample(text, 'tollgate_sweeper_last_success_timestamp_seconds') ?? 0) > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await sweeper.stop();
    expect(sample(text, 'tollgate_sweeper_failures_total')).toBe(2);
    const last = sample(text, 'tollgate_sweeper_last_success_timestamp_seconds') ?? 0;
    expect(last).toBeGreaterThanOrEqual(Math.floor(before / 1000));
    expect(last).toBeLessThanOrEqual(Date.now() / 1000);
    metrics.close();
    await engine.close();
  });

  it('a sweep that expires whole batches succeeds only when the short batch comes back', async () => {
    const engine = createEngine({ store: createMemoryStore() });
    const seen: string[] = [];
    const swept = observeSweeps(engine, 2, (outcome) => seen.push(outcome.ok ? 'ok' : 'failed'));
    vi.spyOn(engine, 'expireDue').mockResolvedValueOnce(2).mockResolvedValueOnce(2).mockResolvedValueOnce(1);
    await swept.maintain();
    expect([await swept.expireDue(2), await swept.expireDue(2)]).toEqual([2, 2]);
    expect(seen).toEqual([]);
    expect(await swept.expireDue(2)).toBe(1);
    expect(seen).toEqual(['ok']);
    // Everything else is the engine's own, bound to it.
    expect(swept.workerId).toBe(engine.workerId);
    expect(await swept.list()).toEqual({ items: [], nextCursor: null });
    await engine.close();
  });
});
