import type { JsonObject } from '../model/json.ts';
import type { Proposal } from '../model/proposal.ts';

interface Template {
  actionType: string;
  title: string;
  args: JsonObject;
}

/** A realistic spread of agent actions: routine, risky, critical, and a few dangerous ones. */
const TEMPLATES: Template[] = [
  { actionType: 'code:read', title: 'Read the billing module', args: { path: 'src/billing/index.ts' } },
  { actionType: 'docs:write', title: 'Update the changelog', args: { path: 'CHANGELOG.md' } },
  { actionType: 'code:write', title: 'Fix the retry loop', args: { path: 'src/http/retry.ts', lines: 12 } },
  { actionType: 'vcs:commit', title: 'Commit the retry fix', args: { message: 'fix: bounded retries' } },
  { actionType: 'vcs:push', title: 'Push the release branch', args: { command: 'git push origin release/1.4' } },
  { actionType: 'db:mutate', title: 'Backfill invoice totals', args: { sql: 'UPDATE invoices SET total = net + tax WHERE total IS NULL' } },
  { actionType: 'comms:external', title: 'Email the customer about the outage', args: { to: 'ops@customer.example', subject: 'Incident report' } },
  { actionType: 'deploy:staging', title: 'Deploy 1.4.0 to staging', args: { version: '1.4.0' } },
  { actionType: 'deploy:production', title: 'Deploy 1.4.0 to production', args: { version: '1.4.0', region: 'eu-west-1' } },
  { actionType: 'db:admin', title: 'Add an index on invoices', args: { sql: 'CREATE INDEX CONCURRENTLY invoices_due ON invoices(due_at)' } },
  { actionType: 'code:delete', title: 'Remove the legacy exporter', args: { path: 'src/legacy/exporter.ts' } },
  { actionType: 'tool:invoke', title: 'Clean the build folder', args: { command: 'rm -rf ./build' } },
  // Dangerous: the detectors deny or escalate these whatever the autonomy.
  { actionType: 'tool:invoke', title: 'Free some disk space', args: { command: 'sudo rm -rf /' } },
  { actionType: 'db:mutate', title: 'Reset the test data', args: { sql: 'DROP DATABASE production' } },
  { actionType: 'vcs:push', title: 'Force-push the rebased branch', args: { command: 'git push --force origin main' } },
  { actionType: 'comms:external', title: 'Share the API credentials', args: { body: 'key: AKIAIOSFODNN7EXAMPLE' } },
];

const AGENTS = ['agent-atlas', 'agent-birch', 'agent-cedar'];
const DEPARTMENTS = ['engineering', 'finance', 'operations'];

/**
 * The `i`-th proposal of the demo workload (deterministic).
 * @example demoProposal(0) // { actionType: 'code:read', … }
 */
export function demoProposal(index: number): Proposal {
  const template = TEMPLATES[index % TEMPLATES.length] as Template;
  return {
    actionType: template.actionType,
    title: template.title,
    description: `Demo task #${index + 1}`,
    args: template.args,
    agentId: AGENTS[index % AGENTS.length] as string,
    department: DEPARTMENTS[index % DEPARTMENTS.length] as string,
  };
}
