import type { SecOpsInput } from '../../machines/task.machine.ts';
import type { TimeoutAction } from '../model/approval.ts';
import type { RiskLevel } from '../model/risk.ts';
import type { Verdict } from '../model/verdict.ts';

/** When an approval times out, and what happens then. */
export interface DeadlinePlan {
  expiresAt: string | null;
  onTimeout: TimeoutAction;
  escalationDeadlines: string[];
  onEscalationExhausted?: 'deny' | 'approve';
}

/**
 * The policy as the engine's child actors use it: a compiled, pure judge. Built from a policy
 * document by `policyRuntime(policy)`.
 */
export interface PolicyRuntime {
  /** The content hash of the policy document. */
  readonly version: string;
  /** SecOps' verdict on a proposal. Pure: the same input gives the same verdict. */
  evaluate(input: SecOpsInput): Verdict;
  /** The deadlines of an approval filed now for a task of this risk. */
  planDeadlines(riskLevel: RiskLevel, filedAtMs: number, ttlSeconds?: number): DeadlinePlan;
}
