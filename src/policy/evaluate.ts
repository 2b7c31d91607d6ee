import type { AutonomyLevel } from '../model/autonomy.ts';
import type { JsonObject } from '../model/json.ts';
import type { RiskLevel } from '../model/risk.ts';
import type { Verdict, VerdictDecision } from '../model/verdict.ts';
import { canonicalJson, sha256Hex } from '../util/canonical-json.ts';
import { DEFAULT_DETECTORS, type Detector, type Finding, scanStrings } from './detectors/index.ts';
import { policyVersion } from './load-policy.ts';
import type { Policy } from './policy-schema.ts';
import { riskOf } from './taxonomy.ts';

/** What SecOps judges. */
export interface EvaluationInput {
  actionType: string;
  args: JsonObject;
  agentId: string;
  department?: string;
}

/** A policy prepared for fast, repeated evaluation. */
export interface CompiledPolicy {
  readonly policy: Policy;
  readonly version: string;
  evaluate(input: EvaluationInput, options?: { autonomyOverride?: AutonomyLevel; now?: () => number }): Verdict;
  /** The autonomy level that applies to an agent (agent → department → company). */
  autonomyOf(agentId: string, department?: string): AutonomyLevel;
}

// Strictness lattice: deny > escalate > alternative > allow. Autonomy can only move a verdict up.
const STRICTNESS: Record<VerdictDecision, number> = { allow: 0, alternative: 1, escalate: 2, deny: 3 };

/**
 * Compiles a policy: hashes it once (its version), fixes the detector list. `evaluate` is
 * pure and synchronous: hard-deny list → detectors (a detector that throws denies: fail
 * closed) → decision table for risk × autonomy; the strictest answer wins.
 * @example compilePolicy(DEFAULT_POLICY).evaluate({ actionType: 'vcs:push', args: {}, agentId: 'a' }).decision // 'escalate'
 */
export function compilePolicy(policy: Policy, detectors: readonly Detector[] = DEFAULT_DETECTORS): CompiledPolicy {
  const version = policyVersion(policy);
  const disabled = new Set(policy.detectors?.disabled ?? []);
  const active = detectors.filter((detector) => !disabled.has(detector.id));
  const hardDeny = new Set(policy.hardDeny);
  const autonomyOf = (agentId: string, department?: string): AutonomyLevel =>
    policy.autonomy.agents[agentId] ?? (department !== undefined ? policy.autonomy.departments[department] : undefined) ?? policy.autonomy.company;

  function evaluate(input: EvaluationInput, options: { autonomyOverride?: AutonomyLevel; now?: () => number } = {}): Verdict {
    const started = options.now?.() ?? 0;
    const riskLevel: RiskLevel = riskOf(policy.actions, input.actionType);
    const autonomy = options.autonomyOverride ?? autonomyOf(input.agentId, input.department);
    const argsHash = sha256Hex(canonicalJson(input.args));
    const base = { riskLevel, autonomy, policyVersion: version, argsHash };
    const finish = (verdict: Omit<Verdict, 'durationMs' | keyof typeof base>): Verdict => ({
      ...verdict,
      ...base,
      durationMs: options.now ? Math.max(0, options.now() - started) : 0,
    });

    if (hardDeny.has(input.actionType)) {
      return finish({ decision: 'deny', reason: `${input.actionType} is on the hard-deny list`, matchedRules: [`hard-deny:${input.actionType}`], requiredApprovals: 1 });
    }

    const findings: Finding[] = [];
    const strings = scanStrings(input.args);
    for (const detector of active) {
      try {
        findings.push(...detector.detect(strings, input.args));
      } catch (error) {
        return finish({
          decision: 'deny',
          reason: `detector ${detector.id} failed (${(error as Error)?.message ?? String(error)}): denied, failing closed`,
          matchedRules: [`detector-error:${detector.id}`],
          requiredApprovals: 1,
        });
      }
    }

    const cell = policy.decisionTable[riskLevel][autonomy];
    const tableDecision: VerdictDecision = cell.outcome === 'auto' ? 'allow' : cell.outcome === 'human' ? 'escalate' : 'deny';
    const tableRule = `table:${riskLevel}/${autonomy}`;
    const worst = findings.reduce<Finding | null>((top, finding) => (!top || STRICTNESS[finding.severity] > STRICTNESS[top.severity] ? finding : top), null);
    const detectorDecision: VerdictDecision = worst?.severity ?? 'allow';
    const matchedRules = [...new Set(findings.map((finding) => finding.rule)), tableRule];
    const requiredApprovals = cell.outcome === 'human' ? cell.requiredApprovals : 1;

    let decision: VerdictDecision = STRICTNESS[detectorDecision] >= STRICTNESS[tableDecision] ? detectorDecision : tableDecision;
    // A safer alternative does not bypass a table that wants a human: the human decides.
    if (detectorDecision === 'alternative' && tableDecision === 'escalate') decision = 'escalate';
    const reason =
      decision === tableDecision && (!worst || STRICTNESS[detectorDecision] < STRICTNESS[tableDecision])
        ? `${riskLevel} risk at ${autonomy} autonomy: ${cell.outcome === 'auto' ? 'allowed' : cell.outcome === 'human' ? `needs ${requiredApprovals} approval(s)` : 'denied'}`
        : (worst?.reason ?? 'policy');
    const verdict = finish({ decision, reason, matchedRules, requiredApprovals });
    if (decision === 'alternative' && worst?.saferArgs) {
      verdict.alternative = { actionType: input.actionType, args: worst.saferArgs, reason: worst.reason };
    }
    return verdict;
  }

  return { policy, version, evaluate, autonomyOf };
}
