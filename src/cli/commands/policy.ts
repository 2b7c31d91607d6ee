import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { z } from 'zod';
import { AutonomyRegistry } from '../../engine/autonomy-registry.ts';
import { systemClock } from '../../engine/clock.ts';
import { ValidationError, type ValidationIssue } from '../../errors.ts';
import { ActionType } from '../../model/action-type.ts';
import { AutonomyLevel } from '../../model/autonomy.ts';
import { JsonObject } from '../../model/json.ts';
import { RISK_LEVELS } from '../../model/risk.ts';
import type { Verdict } from '../../model/verdict.ts';
import { DEFAULT_POLICY } from '../../policy/default-policy.ts';
import { DEFAULT_DETECTORS } from '../../policy/detectors/index.ts';
import { compilePolicy } from '../../policy/evaluate.ts';
import { loadPolicyFile, policyVersion } from '../../policy/load-policy.ts';
import type { Policy } from '../../policy/policy-schema.ts';
import { type ReplayReport, replayPolicy } from '../../policy/replay.ts';
import { DEFAULT_ACTION_RISKS, riskOf } from '../../policy/taxonomy.ts';
import { describeStoreUrl, openStore } from '../open-store.ts';
import { formatTable, writeErr, writeOut } from '../output.ts';
import { policyWarnings } from '../../policy/policy-warnings.ts';

const ExplainOptions = z.strictObject({
  action: ActionType,
  args: z.string().optional(),
  argsFile: z.string().min(1).optional(),
  autonomy: AutonomyLevel.optional(),
  agent: z.string().min(1).max(200),
  department: z.string().min(1).max(200).optional(),
  policy: z.string().min(1).optional(),
  json: z.boolean().optional(),
});

const ReplayOptions = z.strictObject({ policy: z.string().min(1), db: z.string().min(1), json: z.boolean().optional() });

/** Parses command options with zod; problems name the option (`--autonomy: …`). */
function parseOptions<S extends z.ZodType>(schema: S, raw: unknown): z.infer<S> {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({ path: `--${issue.path.map(String).join('.') || 'options'}`, message: issue.message }));
  throw new ValidationError(issues.map((issue) => `${issue.path}: ${issue.message}`).join('; '), issues);
}

/** The `--args` JSON object. */
function parseArgs(text: string | undefined): JsonObject {
  if (text === undefined) return {};
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ValidationError(`--args is not valid JSON: ${(error as Error).message}`, [{ path: '--args', message: 'not valid JSON' }]);
  }
  const parsed = JsonObject.safeParse(json);
  if (parsed.success) return parsed.data;
  // An object that fails is too deep or holds a number JSON cannot carry back (1e999): say so, as the API would refuse it.
  const message =
    json !== null && typeof json === 'object' && !Array.isArray(json)
      ? 'must be plain JSON: finite numbers, at most 64 levels deep (as a proposal\'s arguments)'
      : 'must be a JSON object';
  throw new ValidationError(`--args ${message}`, [{ path: '--args', message }]);
}

/** The text of `--args`, or of the file `--args-file` names (arguments too long for a command line). */
function argsText(options: { args?: string | undefined; argsFile?: string | undefined }): string | undefined {
  if (options.argsFile === undefined) return options.args;
  if (options.args !== undefined) throw new ValidationError('give --args or --args-file, not both', [{ path: '--args-file', message: 'not with --args' }]);
  try {
    return readFileSync(options.argsFile, 'utf8');
  } catch (error) {
    throw new ValidationError(`cannot read --args-file ${options.argsFile}: ${(error as Error).message}`, [{ path: '--args-file', message: 'cannot be read' }]);
  }
}

/** What `policy check` says of a valid policy, beyond its version. */
function summarise(policy: Policy) {
  const disabled = policy.detectors?.disabled ?? [];
  const byRisk = Object.fromEntries(RISK_LEVELS.map((risk) => [risk, 0])) as Record<(typeof RISK_LEVELS)[number], number>;
  // The file's action risks are merged over the built-in taxonomy (as `compilePolicy` does).
  const taxonomy = { ...DEFAULT_ACTION_RISKS, ...policy.actions };
  for (const actionType of Object.keys(taxonomy)) byRisk[riskOf(taxonomy, actionType)] += 1;
  return {
    summary: {
      label: policy.version ?? null,
      actionTypes: Object.keys(taxonomy).length,
      declaredActionTypes: Object.keys(policy.actions).length,
      byRisk,
      hardDeny: policy.hardDeny,
      autonomy: { company: policy.autonomy.company, departments: Object.keys(policy.autonomy.departments).length, agents: Object.keys(policy.autonomy.agents).length },
      detectorsOn: DEFAULT_DETECTORS.filter((detector) => !disabled.includes(detector.id)).map((detector) => detector.id),
    },
    warnings: policyWarnings(policy),
  };
}

function check(file: string, json: boolean): void {
  let policy: Policy;
  try {
    policy = loadPolicyFile(file);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    const errors: ValidationIssue[] = error.issues.length > 0 ? error.issues : [{ path: '(file)', message: error.message }];
    if (json) writeOut(`${JSON.stringify({ ok: false, file, errors })}\n`);
    else writeErr(`policy ${file} is invalid (${errors.length} problem${errors.length === 1 ? '' : 's'}):\n${errors.map((e) => `  ${e.path}: ${e.message}\n`).join('')}`);
    process.exitCode = 2;
    return;
  }
  const version = policyVersion(policy);
  const { summary, warnings } = summarise(policy);
  if (json) {
    writeOut(`${JSON.stringify({ ok: true, file, version, ...summary, warnings })}\n`);
    return;
  }
  const risks = RISK_LEVELS.map((risk) => `${summary.byRisk[risk]} ${risk}`).join(', ');
  writeOut(
    `policy ok: ${version}${summary.label ? ` (${summary.label})` : ''}\n` +
      `${summary.actionTypes} action types (${risks}); ${summary.hardDeny.length} hard-denied; autonomy ${summary.autonomy.company} ` +
      `(${summary.autonomy.departments} department, ${summary.autonomy.agents} agent overrides); ${summary.detectorsOn.length}/${DEFAULT_DETECTORS.length} detectors on\n`,
  );
  for (const warning of warnings) writeErr(`warning: ${warning.path}: ${warning.message}\n`);
}

function explain(raw: Record<string, unknown>): void {
  if (raw.action === undefined) throw new ValidationError('--action is required (e.g. --action vcs:push)', [{ path: '--action', message: 'required' }]);
  const options = parseOptions(ExplainOptions, { agent: 'cli', ...raw });
  const args = parseArgs(argsText(options));
  const policy = options.policy === undefined ? DEFAULT_POLICY : loadPolicyFile(options.policy);
  const compiled = compilePolicy(policy);
  const input = { actionType: options.action, args, agentId: options.agent, ...(options.department === undefined ? {} : { department: options.department }) };
  const verdict = compiled.evaluate(input, {
    autonomyOverride: options.autonomy ?? compiled.autonomyOf(options.agent, options.department),
    now: () => performance.now(),
  });
  writeOut(options.json ? `${JSON.stringify(verdict)}\n` : formatVerdict(verdict));
}

function formatVerdict(verdict: Verdict): string {
  const rows: Array<[string, string]> = [
    ['decision', verdict.decision],
    ['reason', verdict.reason],
    ['matchedRules', verdict.matchedRules.join(', ')],
    ['riskLevel', verdict.riskLevel],
    ['autonomy', verdict.autonomy],
    // Approvals matter only to a verdict that asks for them.
    ['requiredApprovals', verdict.decision === 'escalate' ? String(verdict.requiredApprovals) : '-'],
    ['policyVersion', verdict.policyVersion],
    ['argsHash', verdict.argsHash],
    ['durationMs', verdict.durationMs.toFixed(3)],
    // Rerouted to by itself only with decision alternative; with escalate, the approver's suggested reroute.
    ['alternative', verdict.alternative ? `${verdict.decision === 'escalate' ? 'suggested to the approver: ' : ''}${JSON.stringify(verdict.alternative)}` : '-'],
  ];
  return formatTable(['field', 'value'], rows);
}

async function replay(raw: Record<string, unknown>): Promise<void> {
  if (raw.policy === undefined) throw new ValidationError('--policy is required (the new policy JSON file)', [{ path: '--policy', message: 'required' }]);
  const options = parseOptions(ReplayOptions, raw);
  const policy = loadPolicyFile(options.policy);
  // A replay only reads: a missing store is an error, not an empty one, and a running server's
  // SQLite store is read beside it (shadow mode, without stopping production).
  const store = await openStore(options.db, { readOnly: true });
  try {
    // Autonomy as the engine resolves it: levels stored by humans or downgrades, over the new file's.
    const registry = new AutonomyRegistry(store, policy.autonomy, systemClock);
    await registry.load();
    const report = await replayPolicy(store, policy, { autonomyOf: (agentId, department) => registry.levelFor(agentId, department) });
    const db = describeStoreUrl(options.db);
    writeOut(options.json ? `${JSON.stringify({ db, ...report })}\n` : formatReplay(report, db));
  } finally {
    await store.close();
  }
}

function formatReplay(report: ReplayReport, db: string): string {
  const label = (side: { decision: string; requiredApprovals: number }) => (side.decision === 'escalate' && side.requiredApprovals > 1 ? `escalate×${side.requiredApprovals}` : side.decision);
  // A change judged at another autonomy than the stored verdict says so: under the same policy, all of it is the autonomy's.
  const change = ({ from, to }: ReplayReport['changes'][number]) =>
    from.autonomy === to.autonomy ? `${label(from)} → ${label(to)}` : `${label(from)} at ${from.autonomy} → ${label(to)} at ${to.autonomy}`;
  const skipped = report.unreadable.length > 0 ? `, ${report.unreadable.length} unreadable (skipped)` : '';
  const head =
    `replayed ${report.replayed} of ${report.tasks} tasks in ${db} under policy ${report.policyVersion}: ` +
    `${report.changes.length} verdict${report.changes.length === 1 ? '' : 's'} would change, ${report.unchanged} unchanged${skipped}\n`;
  if (report.changes.length === 0) return head;
  const rows = report.changes.map((each) => [each.taskId, each.actionType, change(each), each.reason]);
  return `${head}\n${formatTable(['task', 'action', 'old → new', 'reason'], rows)}`;
}

/**
 * `tollgate policy check FILE`, `tollgate policy explain --action T …` and
 * `tollgate policy replay --policy FILE --db URL`: validate a policy file, show the verdict a
 * proposal would get, and count the stored verdicts a new policy would change (read-only).
 * @example registerPolicyCommands(program); // tollgate policy explain --action vcs:push --args '{"command":"git push -f"}'
 */
export function registerPolicyCommands(program: Command): void {
  const policy = program.command('policy').description('validate policies, explain verdicts, replay stored tasks under a new policy');
  policy
    .command('default')
    .description('print the built-in policy as a policy file (DESIGN.md\'s table, timeouts, detectors): start your own from it')
    .action(() => writeOut(`${JSON.stringify(DEFAULT_POLICY, null, 2)}\n`));
  policy
    .command('check')
    .description('validate a policy JSON file; print its version hash and a summary (exit 2 when invalid)')
    .argument('<file>', 'policy JSON file')
    .option('--json', 'print JSON')
    .action((file: string, options: { json?: boolean }) => check(file, options.json === true));
  policy
    .command('explain')
    .description('print the verdict the policy gives a proposal')
    .option('--action <type>', 'action type, e.g. vcs:push')
    .option('--args <json>', 'the arguments, a JSON object')
    .option('--args-file <file>', 'read the arguments from this JSON file (for arguments too long for a command line)')
    .option('--autonomy <level>', 'judge at this autonomy level (locked, supervised, semi, full)')
    .option('--agent <id>', 'agent id (autonomy from the policy file)')
    .option('--department <name>', "the agent's department")
    .option('--policy <file>', 'policy JSON file (default: the built-in policy)')
    .option('--json', 'print JSON')
    .action((options: Record<string, unknown>) => explain(options));
  policy
    .command('replay')
    .description('shadow mode: judge every stored task again under a new policy and list the verdicts that would change')
    .option('--policy <file>', 'the new policy JSON file')
    .option('--db <url>', 'store: sqlite:PATH (or a bare PATH), or postgres://…?schema=NAME (a running server\'s too; read only)', 'sqlite:./tollgate.db')
    .option('--json', 'print JSON')
    .action((options: Record<string, unknown>) => replay(options));
}
