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

/**
 * Submits the demo tasks through the engine, each with a fixed idempotency key, so a
 * restart finds them instead of adding more.
 * @example const states = await seedDemoTasks(engine); // ['completed', 'parked', …]
 */
export async function seedDemoTasks(engine: Engine, agentId = 'agent-atlas'): Promise<{ id: string; title: string; state: string }[]> {
  const seeded = [];
  for (const [index, proposal] of DEMO_TASKS.entries()) {
    const { task } = await engine.submit({ ...proposal, agentId, idempotencyKey: `demo-seed-${index + 1}` });
    seeded.push({ id: task.id, title: task.title, state: task.state });
  }
  return seeded;
}
