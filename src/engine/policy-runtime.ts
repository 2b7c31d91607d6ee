import type { SecOpsInput } from '../../machines/task.machine.ts';
import type { TimeoutAction } from '../model/approval.ts';
import type { AutonomyLevel } from '../model/autonomy.ts';
import type { RiskLevel } from '../model/risk.ts';
import type { Verdict } from '../model/verdict.ts';

/** When an approval times out, and what happens then. */
export interface DeadlinePlan {
  expiresAt: string | null;
  onTimeout: TimeoutAction;
  escalationDeadlines: string[];
  onEscalationExhausted?: 'deny' | 'approve';
}

/** The autonomy levels a policy file sets (stored levels override them). */
export interface PolicyAutonomy {
  company: AutonomyLevel;
  departments: Readonly<Record<string, AutonomyLevel>>;
  agents: Readonly<Record<string, AutonomyLevel>>;
}

/**
 * The policy as the engine's child actors use it: a compiled, pure judge. Built from a policy
 * document by `policyRuntime(policy)`.
 */
export interface PolicyRuntime {
  /** The content hash of the policy document. */
  readonly version: string;
  /** The policy file's autonomy levels. */
  readonly autonomy: PolicyAutonomy;
  /**
   * SecOps' verdict on a proposal at an autonomy level (default: the policy file's level for
   * the agent). Pure: the same input and level give the same verdict.
   */
  evaluate(input: SecOpsInput, autonomy?: AutonomyLevel): Verdict;
  /** The deadlines of an approval filed now for a task of this risk. */
  planDeadlines(riskLevel: RiskLevel, filedAtMs: number, ttlSeconds?: number): DeadlinePlan;
  /**
   * The highest risk whose decision gets looser (fewer approvals, or none) when autonomy goes
   * from `from` to `to`; null if none does. Raising a level is deciding that risk in advance,
   * so only someone who may decide it may raise. Without it every raise counts as unlocking
   * `critical`.
   */
  unlockedBy?(from: AutonomyLevel, to: AutonomyLevel): RiskLevel | null;
}
