import { randomBytes } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import type { Engine } from '../engine/engine-types.ts';
import type { Principal } from '../model/principal.ts';
import type { Proposal } from '../model/proposal.ts';
import { loadTokensFile, type TokenGrant } from '../server/tokens-file.ts';

/** The demo's principals: an admin, three approvers, an agent and an observer. */
const DEMO_PRINCIPALS: Principal[] = [
  { id: 'admin', roles: ['admin'] },
  { id: 'alice', roles: ['approver'], maxRisk: 'critical' },
  { id: 'bob', roles: ['approver'], maxRisk: 'critical' },
  { id: 'carol', roles: ['approver'] },
  { id: 'agent-atlas', roles: ['agent'] },
  { id: 'viewer', roles: ['observer'] },
];

/** Demo tasks: each parks for a human under the default policy, except the first, which clears. */
const DEMO_TASKS: Omit<Proposal, 'agentId' | 'idempotencyKey'>[] = [
  { actionType: 'code:read', title: 'Read the billing module', args: { path: 'src/billing/index.ts' } },
  { actionType: 'vcs:push', title: 'Push the release branch', args: { command: 'git push origin release/1.4' } },
  { actionType: 'deploy:production', title: 'Deploy 1.4.0 to production', args: { version: '1.4.0', region: 'eu-west-1' } },
  { actionType: 'comms:external', title: 'Email the customer about the outage', args: { to: 'ops@customer.example', subject: 'Incident report' } },
  { actionType: 'db:mutate', title: 'Backfill invoice totals', args: { sql: 'UPDATE invoices SET total = net + tax WHERE total IS NULL' } },
];

/**
 * The demo's tokens: read from `path` when it exists (so clients keep working across
 * restarts), otherwise made fresh and written there (mode 0600).
 * @example const grants = ensureDemoTokens('./tollgate-demo-tokens.json');
 */
export function ensureDemoTokens(path: string): TokenGrant[] {
  if (existsSync(path)) return loadTokensFile(path);
  const grants = DEMO_PRINCIPALS.map((principal) => ({ token: `tg_${randomBytes(24).toString('base64url')}`, principal }));
  writeFileSync(path, `${JSON.stringify(grants, null, 2)}\n`, { mode: 0o600 });
  return grants;
}

/** How many sets of demo tasks a start looks through for one still waiting before it files the next. */
const MAX_DEMO_ROUNDS = 10_000;

/** The idempotency key of a demo task: the first set keeps the keys it always had. */
function demoKey(round: number, index: number): string {
  return round === 1 ? `demo-seed-${index + 1}` : `demo-seed-${round}-${index + 1}`;
}

/**
 * Submits the demo tasks through the engine, each with a fixed idempotency key, so a restart
 * finds them instead of adding more. Once none of a set waits for a decision any more (all
 * decided, or expired: their deadlines are hours, and a demo is often started again the next
 * day), the next start files a fresh set beside them — at most one per start, and none when
 * the new set would park nothing either (a policy that allows them all).
 * @example const tasks = await seedDemoTasks(engine); // [{ id, title, state: 'completed' }, { …, state: 'parked' }, …]
 */
export async function seedDemoTasks(engine: Engine, agentId = 'agent-atlas'): Promise<{ id: string; title: string; state: string }[]> {
  for (let round = 1; ; round += 1) {
    const seeded = [];
    let created = false;
    for (const [index, proposal] of DEMO_TASKS.entries()) {
      const submitted = await engine.submit({ ...proposal, agentId, idempotencyKey: demoKey(round, index) });
      created ||= submitted.created;
      seeded.push({ id: submitted.task.id, title: submitted.task.title, state: submitted.task.state });
    }
    if (created || round >= MAX_DEMO_ROUNDS || seeded.some((task) => task.state === 'parked')) return seeded;
  }
}
