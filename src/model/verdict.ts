import { z } from 'zod';
import { ActionType } from './action-type.ts';
import { AutonomyLevel } from './autonomy.ts';
import { JsonObject } from './json.ts';
import { RiskLevel } from './risk.ts';

/** What SecOps decided. */
export const VerdictDecision = z.enum(['allow', 'deny', 'escalate', 'alternative']);
export type VerdictDecision = z.infer<typeof VerdictDecision>;

/** A safer action to run instead (from SecOps or from a human reroute). */
export const Alternative = z.strictObject({
  actionType: ActionType,
  args: JsonObject.optional(),
  title: z.string().min(1).max(500).optional(),
  reason: z.string().max(2_000).optional(),
});
export type Alternative = z.infer<typeof Alternative>;

/** SecOps' judgement of one proposal, bound to its arguments and the policy that made it. */
export const Verdict = z.strictObject({
  decision: VerdictDecision,
  reason: z.string(),
  matchedRules: z.array(z.string()),
  riskLevel: RiskLevel,
  autonomy: AutonomyLevel,
  /** Distinct approvals needed when `decision` is `escalate`. */
  requiredApprovals: z.number().int().min(1).max(10),
  policyVersion: z.string(),
  /**
   * SHA-256 of the canonical JSON of the arguments (an approval is bound to it). When they are
   * withheld (`argsWithheld`): an HMAC-SHA-256 under a random key thrown away at once, so it
   * cannot confirm a guessed credential, nor be recomputed.
   */
  argsHash: z.string(),
  durationMs: z.number().min(0),
  /**
   * With `alternative`: the safer action the task is rerouted to. With `escalate`: the reroute
   * SecOps suggests to the approver (a force push's `--force-with-lease`); taken only if one does.
   */
  alternative: Alternative.optional(),
  /**
   * The arguments held a credential (a secrets detector's finding): the task is denied and its
   * arguments are not kept — the task records `{ withheld }` instead, and `argsHash` is keyed.
   */
  argsWithheld: z.literal(true).optional(),
});
export type Verdict = z.infer<typeof Verdict>;

/** What a task whose arguments held a credential keeps in their place. */
export const WITHHELD_ARGS = {
  withheld: 'the arguments held a credential, so Tollgate denied the action and did not keep them; argsHash is keyed and cannot be recomputed',
} as const;
