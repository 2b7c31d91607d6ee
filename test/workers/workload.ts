import { tokenOf } from '../server/support/app-harness.ts';
import type { Random } from '../torture/prng.ts';
import type { Cluster } from './cluster.ts';

/** What a task of the workload is meant to do, and so how it must end. */
export type TaskKind = 'auto' | 'dangerous' | 'approve' | 'reject' | 'quorum';

/** A task the gate acknowledged (201 or 200). */
export interface Acknowledged {
  index: number;
  kind: TaskKind;
  id: string;
  approvalId: string | null;
}

const PROPOSALS: Record<TaskKind, (index: number) => Record<string, unknown>> = {
  auto: (i) => ({ actionType: 'code:read', title: `read ${i}`, args: { path: `src/m-${i}.ts` } }),
  dangerous: (i) => ({ actionType: 'tool:invoke', title: `wipe ${i}`, args: { command: 'sudo rm -rf /' } }),
  approve: (i) => ({ actionType: 'vcs:push', title: `push ${i}`, args: { branch: `feature/${i}` } }),
  reject: (i) => ({ actionType: 'db:mutate', title: `mutate ${i}`, args: { table: 'invoices', row: i } }),
  quorum: (i) => ({ actionType: 'deploy:production', title: `deploy ${i}`, args: { version: `1.${i}.0` } }),
};

/** An HTTP call to a random live worker, retried on another one when a worker is gone. */
export async function callAny(
  cluster: Cluster,
  random: Random,
  method: string,
  path: string,
  who: 'agent' | 'alice' | 'bob' | 'admin',
  body?: unknown,
): Promise<{ status: number; body: any }> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 8; attempt += 1) {
    try {
      return await cluster.live(random.next()).call(method, path, { token: tokenOf(who), ...(body === undefined ? {} : { body }) });
    } catch (error) {
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  throw lastError;
}

/** A task's kind by a fixed mix: 35 % auto, 10 % dangerous, 25 % approve-or-reject (a race), 20 % reject, 10 % quorum. */
export function kindOf(random: Random): TaskKind {
  const roll = random.next();
  return roll < 0.35 ? 'auto' : roll < 0.45 ? 'dangerous' : roll < 0.7 ? 'approve' : roll < 0.9 ? 'reject' : 'quorum';
}

/**
 * Submits task `index` (idempotently: a retry after a dead worker gets the same task), then
 * sends its decisions to random workers — duplicated and conflicting, concurrently — and, for
 * any decision whose outcome is unknown (its worker died), again until the approval is decided.
 */
export async function runTask(cluster: Cluster, random: Random, index: number, kind: TaskKind): Promise<Acknowledged> {
  const submitted = await callAny(cluster, random, 'POST', '/api/v1/tasks', 'agent', { ...PROPOSALS[kind](index), idempotencyKey: `workers-${index}` });
  if (submitted.status !== 201 && submitted.status !== 200) throw new Error(`submit ${index}: ${submitted.status} ${JSON.stringify(submitted.body)}`);
  const task = submitted.body.task;
  const acknowledged: Acknowledged = { index, kind, id: task.id, approvalId: task.approvalId ?? null };
  if (task.state !== 'parked' || !acknowledged.approvalId) return acknowledged;
  const path = (verb: string) => `/api/v1/approvals/${acknowledged.approvalId}/${verb}`;
  const decisions: Array<() => Promise<unknown>> =
    kind === 'quorum'
      ? [() => callAny(cluster, random, 'POST', path('approve'), 'alice', {}), () => callAny(cluster, random, 'POST', path('approve'), 'bob', {}), () => callAny(cluster, random, 'POST', path('approve'), 'alice', {})]
      : kind === 'approve'
        ? [
            () => callAny(cluster, random, 'POST', path('approve'), 'alice', {}),
            () => callAny(cluster, random, 'POST', path('approve'), 'alice', {}),
            () => callAny(cluster, random, 'POST', path('reject'), 'bob', { reason: 'conflicting' }),
          ]
        : [() => callAny(cluster, random, 'POST', path('reject'), 'alice', { reason: 'not now' }), () => callAny(cluster, random, 'POST', path('reject'), 'bob', { reason: 'no' })];
  await Promise.all(decisions.map((decide) => decide().catch(() => undefined)));
  // Until the approval is decided: a decision lost with a dead worker is sent again.
  for (let round = 0; round < 20; round += 1) {
    const approval = await callAny(cluster, random, 'GET', `/api/v1/approvals/${acknowledged.approvalId}`, 'admin');
    if (approval.body?.status !== 'pending') return acknowledged;
    await Promise.all(decisions.map((decide) => decide().catch(() => undefined)));
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`approval of task ${index} still pending`);
}
