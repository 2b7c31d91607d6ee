import type { GateClient } from './gate-client.ts';
import { sleep } from './gate-client.ts';
import type { Ledger } from './ledger.ts';
import { AGENTS, type TortureWho } from './principals.ts';
import type { Random } from './prng.ts';

/** The kinds of task the clients drive, with their share of the mix. */
export const SCENARIO_WEIGHTS = {
  auto: 24,
  single: 12,
  quorum: 8,
  reject: 8,
  reroute: 6,
  cancel: 8,
  conflict: 8,
  duplicate: 8,
  expiry: 10,
  detectorDeny: 4,
  duplicateSubmit: 4,
} as const;
export type ScenarioKind = keyof typeof SCENARIO_WEIGHTS;

/** What a driven task must end as, checked against the gate at the end. */
export interface ScenarioOutcome {
  index: number;
  /** The scenario, or a task of the quarantine phase. */
  kind: ScenarioKind | 'quarantineVictim' | 'bystander';
  taskId: string;
  /** Final states the scenario allows, given the answers its decisions got. */
  allowedFinal: string[];
  /** The alternative task a reroute created. */
  alternativeTaskId?: string;
}

/** What a scenario needs. */
export interface ScenarioContext {
  client: GateClient;
  ledger: Ledger;
  random: Random;
  index: number;
  kind: ScenarioKind;
  /** Makes idempotency keys unique per run. */
  runId: string;
  /**
   * The gate takes a dead process's tasks over only when its leases expire (a shared store:
   * each restart is a new worker), so a submit retried after a kill may find its task still
   * `executing`; the final view checks how it ended.
   */
  takeoverAfterRestart?: boolean;
}

/** Picks the i-th task's kind from its own seeded draw. */
export function pickScenario(random: Random): ScenarioKind {
  const entries = Object.entries(SCENARIO_WEIGHTS) as Array<[ScenarioKind, number]>;
  const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
  let draw = random.int(total);
  for (const [kind, weight] of entries) {
    if (draw < weight) return kind;
    draw -= weight;
  }
  return 'auto';
}

const HIGH = (i: number) => ({ actionType: 'vcs:push', title: `push ${i}`, args: { remote: 'origin', branch: `torture/${i}` } });
const CRITICAL = (i: number) => ({ actionType: 'deploy:production', title: `deploy ${i}`, args: { service: `svc-${i % 17}` } });
const LOW = (i: number) => ({ actionType: 'code:read', title: `read ${i}`, args: { path: `src/file-${i}.ts` } });

/**
 * Drives one task through its scenario over HTTP, retrying through crashes, and says what it
 * must end as. Decisions answered 409 are expected (a retry after a crash, or the loser of a
 * race); anything else unexpected throws.
 * @example const outcome = await runScenario({ client, ledger, random, index: 7, kind: 'quorum', runId });
 */
export async function runScenario(ctx: ScenarioContext): Promise<ScenarioOutcome> {
  const { index, random, kind } = ctx;
  const agent = random.pick(AGENTS);
  const done = (taskId: string, allowedFinal: string[], extra: Partial<ScenarioOutcome> = {}): ScenarioOutcome => ({
    index,
    kind,
    taskId,
    allowedFinal,
    ...extra,
  });
  switch (kind) {
    case 'auto': {
      const task = await submit(ctx, agent, LOW(index), ['completed']);
      return done(task.id, ['completed']);
    }
    case 'detectorDeny': {
      const task = await submit(ctx, agent, { ...LOW(index), args: { path: `../../../etc/passwd-${index}` } }, ['denied']);
      return done(task.id, ['denied']);
    }
    case 'single': {
      const task = await submit(ctx, agent, HIGH(index), ['parked']);
      await decide(ctx, task, 'approve', random.pick(['alice', 'bob', 'carol'] as const));
      return done(task.id, ['completed']);
    }
    case 'quorum': {
      const task = await submit(ctx, agent, CRITICAL(index), ['parked']);
      await Promise.all([decide(ctx, task, 'approve', 'alice'), decide(ctx, task, 'approve', 'bob')]);
      return done(task.id, ['completed']);
    }
    case 'reject': {
      const task = await submit(ctx, agent, HIGH(index), ['parked']);
      await decide(ctx, task, 'reject', 'carol');
      return done(task.id, ['denied']);
    }
    case 'reroute': {
      const task = await submit(ctx, agent, HIGH(index), ['parked']);
      await decide(ctx, task, 'reroute', 'alice');
      return done(task.id, ['rerouted'], { alternativeTaskId: `${task.id}-alt` });
    }
    case 'cancel': {
      const task = await submit(ctx, agent, HIGH(index), ['parked']);
      await cancel(ctx, task, agent);
      return done(task.id, ['cancelled']);
    }
    case 'conflict': {
      const task = await submit(ctx, agent, HIGH(index), ['parked']);
      const [approve, reject] = await Promise.all([decide(ctx, task, 'approve', 'alice'), decide(ctx, task, 'reject', 'bob')]);
      if (approve === 200 && reject === 200) throw new Error(`task ${task.id}: both the approval and the rejection won`);
      const allowed = approve === 200 ? ['completed'] : reject === 200 ? ['denied'] : ['completed', 'denied'];
      return done(task.id, allowed);
    }
    case 'duplicate': {
      const task = await submit(ctx, agent, HIGH(index), ['parked']);
      const answers = await Promise.all([decide(ctx, task, 'approve', 'alice'), decide(ctx, task, 'approve', 'alice'), decide(ctx, task, 'approve', 'bob')]);
      if (answers.filter((status) => status === 200).length > 1) throw new Error(`task ${task.id}: two approvals of a single-approval task won`);
      return done(task.id, ['completed']);
    }
    case 'expiry': {
      const task = await submit(ctx, agent, { ...HIGH(index), ttlSeconds: 1 }, ['parked', 'expired']);
      if (random.next() < 0.5) return done(task.id, ['expired']);
      // A late decision: the sweeper (every 200 ms) has usually expired it by now.
      await sleep(random.between(1_500, 3_000));
      const status = await decide(ctx, task, 'approve', 'alice');
      return done(task.id, status === 200 ? ['completed'] : ['expired', 'completed']);
    }
    case 'duplicateSubmit': {
      const key = `${ctx.runId}-${index}`;
      const body = { ...HIGH(index), idempotencyKey: key };
      const [a, b] = await Promise.all([submitWithKey(ctx, agent, body, ['parked']), submitWithKey(ctx, agent, body, ['parked'])]);
      if (a.id !== b.id) throw new Error(`one idempotency key made two tasks: ${a.id} and ${b.id}`);
      await decide(ctx, a, 'approve', 'bob');
      return done(a.id, ['completed']);
    }
  }
}

interface SubmittedTask {
  id: string;
  approvalId: string | null;
  state: string;
}

async function submit(ctx: ScenarioContext, agent: TortureWho, proposal: Record<string, unknown>, expected: string[]): Promise<SubmittedTask> {
  return submitWithKey(ctx, agent, { ...proposal, idempotencyKey: `${ctx.runId}-${ctx.index}` }, expected);
}

async function submitWithKey(ctx: ScenarioContext, agent: TortureWho, body: Record<string, unknown>, expected: string[]): Promise<SubmittedTask> {
  const answer = await ctx.client.call('POST', '/api/v1/tasks', agent, body);
  if (answer.status !== 201 && answer.status !== 200) {
    throw new Error(`POST /tasks answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  }
  const task = answer.body.task as SubmittedTask;
  const takenOverLater = ctx.takeoverAfterRestart === true && answer.retried && task.state === 'executing';
  if (!expected.includes(task.state) && !takenOverLater) throw new Error(`task ${task.id} is ${task.state}, expected ${expected.join(' or ')}`);
  ctx.ledger.acknowledged.set(task.id, {
    taskId: task.id,
    scenario: ctx.kind,
    idempotencyKey: String(body.idempotencyKey),
    agent,
    status: answer.status,
  });
  return task;
}

const DECISION_CONFLICTS = new Set(['not_pending', 'already_voted', 'invalid_transition']);

/** Makes a decision; returns its final HTTP status (200, or 409 when it lost or was already applied). */
async function decide(ctx: ScenarioContext, task: SubmittedTask, kind: 'approve' | 'reject' | 'reroute', by: TortureWho): Promise<number> {
  const body =
    kind === 'approve'
      ? { comment: `ok ${ctx.index}` }
      : kind === 'reject'
        ? { reason: `no ${ctx.index}` }
        : { reason: `read instead ${ctx.index}`, alternative: { actionType: 'code:read', args: { path: `src/alt-${ctx.index}.ts` }, title: `read ${ctx.index} instead` } };
  const answer = await ctx.client.call('POST', `/api/v1/approvals/${task.approvalId}/${kind}`, by, body);
  return judgeDecision(ctx, task, kind, by, answer);
}

async function cancel(ctx: ScenarioContext, task: SubmittedTask, agent: TortureWho): Promise<number> {
  const answer = await ctx.client.call('POST', `/api/v1/tasks/${task.id}/cancel`, agent, {});
  return judgeDecision(ctx, task, 'cancel', agent, answer);
}

function judgeDecision(
  ctx: ScenarioContext,
  task: SubmittedTask,
  kind: 'approve' | 'reject' | 'reroute' | 'cancel',
  by: TortureWho,
  answer: { status: number; body: any; retried: boolean },
): number {
  const code: string | undefined = answer.body?.code;
  ctx.ledger.decisions.push({ taskId: task.id, kind, by, status: answer.status, retried: answer.retried, ...(code ? { code } : {}) });
  if (answer.status === 200) return 200;
  if (answer.status === 409 && code && DECISION_CONFLICTS.has(code)) return 409;
  throw new Error(`${kind} of task ${task.id} by ${by} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
}
