import { decodeEnvelope } from '../../machines/envelope.ts';
import type { AutonomyLevel } from '../model/autonomy.ts';
import type { Verdict, VerdictDecision } from '../model/verdict.ts';
import type { Store } from '../store/store.ts';
import { compilePolicy } from './evaluate.ts';
import type { Policy } from './policy-schema.ts';

/** One task whose verdict a new policy would change. */
export interface VerdictChange {
  taskId: string;
  actionType: string;
  agentId: string;
  /** The task's state in the store. */
  state: string;
  /**
   * The stored verdict and the new one, each with the autonomy it was judged at: the new one at
   * the agent's autonomy now. When the two differ, part of the change (or all of it, under the
   * same policy) is the autonomy's, not the policy's.
   */
  from: { decision: VerdictDecision; requiredApprovals: number; policyVersion: string; autonomy: AutonomyLevel };
  to: { decision: VerdictDecision; requiredApprovals: number; autonomy: AutonomyLevel };
  /** Why the new policy decides as it does. */
  reason: string;
  matchedRules: string[];
}

/** What replaying the stored tasks under a new policy found. Nothing is written anywhere. */
export interface ReplayReport {
  policyVersion: string;
  /** Task rows read. */
  tasks: number;
  /** Tasks judged again (rows with a readable snapshot and a verdict). */
  replayed: number;
  unchanged: number;
  changes: VerdictChange[];
  /** Rows skipped because their snapshot could not be read (quarantined, newer machine, corrupt). */
  unreadable: Array<{ taskId: string; reason: string }>;
  /** Rows whose snapshot holds no verdict yet. */
  withoutVerdict: number;
}

/** Options of a replay. */
export interface ReplayOptions {
  /** The autonomy an agent has now; default: the new policy file's levels. */
  autonomyOf?: (agentId: string, department?: string) => AutonomyLevel;
  /** Rows read per store page. */
  pageSize?: number;
}

/** Two verdicts differ when their decision does, or when both escalate to a different quorum. */
function differs(old: Pick<Verdict, 'decision' | 'requiredApprovals'>, now: Verdict): boolean {
  return old.decision !== now.decision || (now.decision === 'escalate' && old.requiredApprovals !== now.requiredApprovals);
}

/**
 * Shadow mode: judges every stored task's proposal again under `policy` and reports the
 * verdicts that would change. Reads the store page by page (`listTasks`) and never writes;
 * rows whose snapshot envelope cannot be decoded are skipped and counted.
 * @example const report = await replayPolicy(store, loadPolicyFile('strict.json')); report.changes.length
 */
export async function replayPolicy(store: Store, policy: Policy, options: ReplayOptions = {}): Promise<ReplayReport> {
  const compiled = compilePolicy(policy);
  const autonomyOf = options.autonomyOf ?? compiled.autonomyOf;
  const report: ReplayReport = { policyVersion: compiled.version, tasks: 0, replayed: 0, unchanged: 0, changes: [], unreadable: [], withoutVerdict: 0 };
  let cursor: string | undefined;
  do {
    const page = await store.listTasks({ limit: options.pageSize ?? 500, ...(cursor === undefined ? {} : { cursor }) });
    for (const record of page.items) {
      report.tasks += 1;
      let context: ReturnType<typeof decodeEnvelope>['context'];
      try {
        context = decodeEnvelope(record.envelope).context;
      } catch (error) {
        report.unreadable.push({ taskId: record.id, reason: (error as Error).message });
        continue;
      }
      const old = context.verdict;
      if (!old) {
        report.withoutVerdict += 1;
        continue;
      }
      if (old.argsWithheld) {
        // Its arguments held a credential and were not kept: nothing to judge again.
        report.unreadable.push({ taskId: record.id, reason: 'arguments withheld: they held a credential' });
        continue;
      }
      const { actionType, args, agentId, department } = context.proposal;
      const input = department === undefined ? { actionType, args, agentId } : { actionType, args, agentId, department };
      const now = compiled.evaluate(input, { autonomyOverride: autonomyOf(agentId, department) });
      report.replayed += 1;
      if (!differs(old, now)) {
        report.unchanged += 1;
        continue;
      }
      report.changes.push({
        taskId: record.id,
        actionType,
        agentId,
        state: record.state,
        from: { decision: old.decision, requiredApprovals: old.requiredApprovals, policyVersion: old.policyVersion, autonomy: old.autonomy },
        to: { decision: now.decision, requiredApprovals: now.requiredApprovals, autonomy: now.autonomy },
        reason: now.reason,
        matchedRules: now.matchedRules,
      });
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  report.changes.sort((a, b) => (a.taskId < b.taskId ? -1 : a.taskId > b.taskId ? 1 : 0));
  return report;
}
