import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenOf } from '../server/support/app-harness.ts';
import { TestDatabase, testSchemaName } from '../store/postgres-harness.ts';
import { ExecutorRecorder } from '../torture/executor-recorder.ts';
import { seededRandom } from '../torture/prng.ts';
import { Cluster, clusterDbUrl } from './cluster.ts';
import { SseCollector } from './sse-collector.ts';
import { type Acknowledged, callAny, kindOf, runTask } from './workload.ts';

const TASKS = Number(process.env.TOLLGATE_WORKERS_TASKS ?? 2_000);
const CLIENTS = 16;
const TERMINAL_EVENTS = new Set(['task.completed', 'task.failed', 'task.denied', 'task.rerouted', 'task.expired', 'task.cancelled']);

const db = new TestDatabase();
const schema = testSchemaName('workers');
let recorder: ExecutorRecorder;
let cluster: Cluster;
let streams: SseCollector[] = [];

beforeAll(async () => {
  if (!(await db.connect())) return;
  recorder = await ExecutorRecorder.start({ maxDelayMs: 20 });
  cluster = await Cluster.start(4, { db: clusterDbUrl(schema), executorUrl: recorder.url, leaseMs: 3_000 });
  streams = cluster.workers.map((worker) => SseCollector.open(worker.url, tokenOf('admin')));
}, 120_000);

afterAll(async () => {
  await Promise.all(streams.map((stream) => stream.close()));
  await cluster?.stop();
  await recorder?.close();
  await db.end([schema]);
});

describe('four workers on one PostgreSQL database, one killed mid-run', () => {
  it(`runs ${TASKS} mixed tasks with racing decisions on random workers: every task ends once, nothing runs twice or unapproved, every stream sees every event once`, async () => {
    db.assertReachable();
    const random = seededRandom(7);
    const kinds = Array.from({ length: TASKS }, () => kindOf(random));
    const acknowledged: Acknowledged[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        while (next < TASKS) {
          const index = next;
          next += 1;
          if (index === Math.floor(TASKS / 3)) {
            await cluster.kill(0);
          }
          try {
            acknowledged.push(await runTask(cluster, random, index, kinds[index] as Acknowledged['kind']));
          } catch (error) {
            const logs = cluster.workers.map((worker, w) => `worker ${w}: ${worker.stderr.split('\n').filter((line) => /lease|took over|error/i.test(line)).slice(-8).join('\n')}`);
            throw new Error(`${(error as Error).message}\n${logs.join('\n')}`);
          }
        }
      }),
    );

    // The dead worker's executing tasks are taken over once its leases expire.
    const deadline = Date.now() + 60_000;
    for (;;) {
      const executing = await callAny(cluster, random, 'GET', '/api/v1/tasks?state=executing&limit=10', 'admin');
      if (executing.body.items.length === 0) break;
      if (Date.now() > deadline) throw new Error(`still executing: ${JSON.stringify(executing.body.items.map((t: { id: string }) => t.id))}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }

    // The whole audit log, page by page.
    const audit: Array<{ seq: number; action: string; taskId: string | null; data: Record<string, unknown> }> = [];
    for (let after = 0; ; ) {
      const page = await callAny(cluster, random, 'GET', `/api/v1/audit?afterSeq=${after}&limit=1000`, 'admin');
      audit.push(...page.body.items);
      if (page.body.items.length < 1000) break;
      after = page.body.items.at(-1).seq;
    }
    expect((await callAny(cluster, random, 'GET', '/api/v1/audit/verify', 'admin')).body).toMatchObject({ ok: true });

    // Every acknowledged task exists and ended exactly once, as its kind allows.
    expect(acknowledged).toHaveLength(TASKS);
    const endings = new Map<string, number>();
    const approvedTasks = new Set<string>();
    const allowedTasks = new Set<string>();
    for (const entry of audit) {
      if (!entry.taskId) continue;
      if (TERMINAL_EVENTS.has(entry.action)) endings.set(entry.taskId, (endings.get(entry.taskId) ?? 0) + 1);
      if (entry.action === 'approval.approved') approvedTasks.add(entry.taskId);
      if (entry.action === 'task.evaluated' && entry.data.decision === 'allow') allowedTasks.add(entry.taskId);
    }
    const states = new Map<string, string>();
    for (const task of acknowledged) {
      const stored = await callAny(cluster, random, 'GET', `/api/v1/tasks/${task.id}`, 'admin');
      expect(stored.status, `task ${task.index}`).toBe(200);
      states.set(task.id, stored.body.state);
      expect(endings.get(task.id) ?? 0, `endings of task ${task.index} (${task.kind}, ${stored.body.state})`).toBe(1);
      const expected = { auto: ['completed'], dangerous: ['denied'], approve: ['completed', 'denied'], reject: ['denied'], quorum: ['completed'] }[task.kind];
      expect(expected, `task ${task.index} (${task.kind})`).toContain(stored.body.state);
      expect(stored.body.state === 'completed', `task ${task.index}: completed only with an allow verdict or an approval`).toBe(
        allowedTasks.has(task.id) || approvedTasks.has(task.id),
      );
    }

    // The executor saw only allowed or approved tasks, each key for a task that completed exactly
    // once. A key is sent again only when another worker took a task over (the killed worker's,
    // or a worker too slow to renew its lease): the same Idempotency-Key, so the executor runs it once.
    const byKey = recorder.byKey();
    for (const [key, calls] of byKey) {
      expect(states.get(key), `executed ${key}`).toBe('completed');
      expect(calls.length, `calls with key ${key}`).toBeLessThanOrEqual(3);
    }
    expect(byKey.size).toBe([...states.values()].filter((state) => state === 'completed').length);

    // Every surviving worker's SSE stream saw every task event exactly once, in id order.
    const eventIds = audit.filter((entry) => entry.taskId !== null).map((entry) => entry.seq);
    for (const [index, stream] of streams.entries()) {
      if (cluster.dead.has(index)) continue;
      await stream.until(eventIds.at(-1) ?? 0);
      expect(stream.ids, `worker ${index}'s stream`).toEqual(eventIds.filter((id) => id <= (stream.ids.at(-1) ?? 0)));
    }
    const retried = [...byKey.values()].filter((calls) => calls.length > 1).length;
    console.log(`workers: ${TASKS} tasks, ${audit.length} audit entries, ${byKey.size} executed (${retried} re-sent by a takeover, same idempotency key)`);
  }, 600_000);
});
