// One benchmark worker process: an engine on the shared PostgreSQL schema, driving its share of
// the workload (auto, park, resume) at 64 tasks in flight, then printing one JSON line.
import { createEngine } from '../../src/engine/engine.ts';
import type { Principal } from '../../src/model/principal.ts';
import { openPostgresStore } from '../../src/store/postgres.ts';
import { measure } from '../stats.ts';

const [connectionString, schema, tasksText, label] = process.argv.slice(2);
const tasks = Number(tasksText);
if (!connectionString || !schema || !Number.isInteger(tasks) || !label) throw new Error('usage: worker.ts URL SCHEMA TASKS LABEL');

const approver: Principal = { id: 'bench-approver', roles: ['approver'], maxRisk: 'critical' };
const store = await openPostgresStore({ connectionString, schema, poolSize: 8 });
const engine = createEngine({ store });
const auto = (i: number) => ({ actionType: 'code:read', title: 'read', args: { path: `src/${label}-${i}.ts` }, agentId: `bench-${label}` });
const park = (i: number) => ({ actionType: 'vcs:push', title: 'push', args: { branch: `${label}/${i}` }, agentId: `bench-${label}` });

// Wait for the go signal on stdin, so every worker starts at once.
await new Promise<void>((resolve) => process.stdin.once('data', () => resolve()));
const started = Date.now();
const autoRun = await measure(tasks, 64, (i) => engine.submit(auto(i)));
const approvals: string[] = [];
const parkRun = await measure(tasks, 64, async (i) => {
  const { task } = await engine.submit(park(i));
  approvals[i] = task.approvalId as string;
});
const resumeRun = await measure(tasks, 64, (i) => engine.decide(approvals[i] as string, { kind: 'approve' }, approver));
process.stdout.write(
  `${JSON.stringify({ label, tasks, seconds: (Date.now() - started) / 1000, auto: autoRun.seconds, park: parkRun.seconds, resume: resumeRun.seconds, resume_p99_ms: resumeRun.latencies.percentile(99) })}\n`,
);
await engine.close();
await store.close();
