import { AUTONOMY_LEVELS, type AutonomyLevel } from '../model/autonomy.ts';
import type { JsonObject } from '../model/json.ts';
import { RISK_LEVELS, type RiskLevel } from '../model/risk.ts';
import type { Verdict, VerdictDecision } from '../model/verdict.ts';
import { canonicalJson, sha256Hex } from '../util/canonical-json.ts';
import { undecodedFinding } from './detectors/encoded-text.ts';
import { DEFAULT_DETECTORS, type Detector, type Finding, scanStrings } from './detectors/index.ts';
import { policyVersion } from './load-policy.ts';
import type { Policy, TableOutcome } from './policy-schema.ts';
import { DEFAULT_ACTION_RISKS, riskOf } from './taxonomy.ts';
import { withheldArgsHash } from './withheld-args-hash.ts';

/** What SecOps judges. */
export interface EvaluationInput {
  actionType: string;
  args: JsonObject;
  agentId: string;
  department?: string;
}

/** Options of one evaluation. */
export interface EvaluationOptions {
  /** Judge at this autonomy level instead of the agent's (what-if, tests). */
  autonomyOverride?: AutonomyLevel;
  /** A monotonic clock in ms, to fill `durationMs` (to the microsecond); without it `durationMs` is 0. */
  now?: () => number;
}

/** A policy prepared for fast, repeated evaluation. */
export interface CompiledPolicy {
  readonly policy: Policy;
  readonly version: string;
  evaluate(input: EvaluationInput, options?: EvaluationOptions): Verdict;
  /** The autonomy level that applies to an agent (agent → department → company). */
  autonomyOf(agentId: string, department?: string): AutonomyLevel;
}

/** Strictness lattice: deny > escalate > alternative > allow. Autonomy can only move a verdict up. */
export const STRICTNESS: Readonly<Record<VerdictDecision, number>> = { allow: 0, alternative: 1, escalate: 2, deny: 3 };

type Judgement = Pick<Verdict, 'decision' | 'reason' | 'matchedRules' | 'requiredApprovals' | 'alternative' | 'argsWithheld'>;

/** A deny when something failed; `withhold` when the arguments may hold a credential (found, or not known not to). */
const failClosed = (reason: string, rule: string, withhold: boolean): Judgement => ({
  decision: 'deny',
  reason: `${reason}: denied, failing closed`,
  matchedRules: [rule],
  requiredApprovals: 1,
  ...(withhold ? { argsWithheld: true } : {}),
});

const messageOf = (error: unknown): string => {
  try {
    return error instanceof Error ? error.message : String(error);
  } catch {
    return 'unprintable error';
  }
};

/** Runs one detector and checks what it returns: anything but a list of well-formed findings throws. */
function runDetector(detector: Detector, strings: ReturnType<typeof scanStrings>, input: EvaluationInput): Finding[] {
  const findings: unknown = detector.detect(strings, input.args, { actionType: input.actionType });
  if (!Array.isArray(findings)) throw new TypeError('returned no list of findings');
  for (const finding of findings as Finding[]) {
    if (typeof finding?.rule !== 'string' || !(finding.severity === 'deny' || finding.severity === 'escalate' || finding.severity === 'alternative')) {
      throw new TypeError(`returned a malformed finding ${JSON.stringify(finding)}`);
    }
  }
  return findings as Finding[];
}

/** The table's word for a cell. */
function tableDecision(cell: TableOutcome): VerdictDecision {
  return cell.outcome === 'auto' ? 'allow' : cell.outcome === 'human' ? 'escalate' : 'deny';
}

/** The strictest of the detectors' findings and the table's cell; the table's approvals count. */
function combine(findings: readonly Finding[], cell: TableOutcome, riskLevel: RiskLevel, autonomy: AutonomyLevel, actionType: string): Judgement {
  const table = tableDecision(cell);
  // An alternative nobody can run is no alternative: a human looks instead.
  const severityOf = (finding: Finding): VerdictDecision => (finding.severity === 'alternative' && !finding.saferArgs ? 'escalate' : finding.severity);
  const worst = findings.reduce<Finding | null>((top, finding) => (!top || STRICTNESS[severityOf(finding)] > STRICTNESS[severityOf(top)] ? finding : top), null);
  const detector: VerdictDecision = worst ? severityOf(worst) : 'allow';
  // A safer alternative does not bypass a table that wants a human: the human decides.
  const decision: VerdictDecision = STRICTNESS[detector] > STRICTNESS[table] ? detector : table;
  const matchedRules = [...new Set(findings.map((finding) => finding.rule)), `table:${riskLevel}/${autonomy}`];
  const requiredApprovals = decision === 'escalate' && cell.outcome === 'human' ? cell.requiredApprovals : 1;
  const tableReason = `${riskLevel} risk at ${autonomy} autonomy: ${cell.outcome === 'auto' ? 'allowed' : cell.outcome === 'human' ? `needs ${cell.requiredApprovals} approval(s)` : 'denied'}`;
  const reason = !worst ? tableReason : STRICTNESS[detector] >= STRICTNESS[table] ? worst.reason : `${tableReason} (also: ${worst.reason})`;
  const judgement: Judgement = { decision, reason, matchedRules, requiredApprovals };
  // Safer arguments: with `alternative`, the reroute taken; with `escalate`, the reroute SecOps suggests to the approver (never taken without one).
  const offered =
    decision === 'alternative' ? worst : decision === 'escalate' ? findings.find((finding) => finding.severity === 'escalate' && finding.saferArgs) : undefined;
  if (offered?.saferArgs) judgement.alternative = { actionType, args: offered.saferArgs, reason: offered.reason };
  return judgement;
}

/**
 * Compiles a policy: hashes it once (its version), merges its action risks over the built-in
 * taxonomy, fixes the detector list. `evaluate` is synchronous and pure — but for the `argsHash`
 * of withheld arguments, keyed afresh each time ({@link withheldArgsHash}): hard-deny list →
 * detectors → decision table for risk × autonomy; the strictest answer wins. Anything that
 * throws on the way — a detector, a malformed finding, a broken policy object, unhashable
 * arguments — gives a `deny` (fail closed); `evaluate` itself never throws.
 * @example compilePolicy(DEFAULT_POLICY).evaluate({ actionType: 'vcs:push', args: {}, agentId: 'a' }).decision // 'escalate'
 */
export function compilePolicy(policy: Policy, detectors: readonly Detector[] = DEFAULT_DETECTORS): CompiledPolicy {
  const version = policyVersion(policy);
  const disabled = new Set(policy.detectors?.disabled ?? []);
  const active = detectors.filter((detector) => !disabled.has(detector.id));
  const hardDeny = new Set(policy.hardDeny);
  const credentialDetectors = active.filter((detector) => detector.findsCredentials).length;
  const actions: Record<string, RiskLevel> = { ...DEFAULT_ACTION_RISKS, ...policy.actions };
  // Maps, not objects: an agent called `constructor` or `__proto__` must not find Object's.
  const agents = new Map(Object.entries(policy.autonomy.agents));
  const departments = new Map(Object.entries(policy.autonomy.departments));
  const autonomyOf = (agentId: string, department?: string): AutonomyLevel =>
    agents.get(agentId) ?? (department !== undefined ? departments.get(department) : undefined) ?? policy.autonomy.company;

  function evaluate(input: EvaluationInput, options: EvaluationOptions = {}): Verdict {
    const started = options.now?.() ?? 0;
    // Until known, the verdict describes the worst case.
    const base: Pick<Verdict, 'riskLevel' | 'autonomy' | 'policyVersion' | 'argsHash'> = { riskLevel: 'critical', autonomy: 'locked', policyVersion: version, argsHash: '' };
    let canonicalArgs: string | undefined;
    // Built field by field: spreading two objects into a third is a slow path in V8, and this runs for every task.
    const finish = (judgement: Judgement): Verdict => {
      const verdict: Verdict = {
        decision: judgement.decision,
        reason: judgement.reason,
        matchedRules: judgement.matchedRules,
        riskLevel: base.riskLevel,
        autonomy: base.autonomy,
        requiredApprovals: judgement.requiredApprovals,
        policyVersion: base.policyVersion,
        // Withheld arguments get a keyed hash: the plain one would confirm a guessed password offline.
        argsHash: judgement.argsWithheld && canonicalArgs !== undefined ? withheldArgsHash(canonicalArgs) : base.argsHash,
        // To the microsecond: the full double (4.932117999999946) is noise, and is stored and parsed with every commit of the task.
        durationMs: options.now ? Math.max(0, Math.round((options.now() - started) * 1000) / 1000) : 0,
      };
      if (judgement.alternative !== undefined) verdict.alternative = judgement.alternative;
      if (judgement.argsWithheld) verdict.argsWithheld = true;
      return verdict;
    };
    // Whether the arguments hold a credential: unknown until every credential detector has run.
    // Every way out — a hard deny, a failure — withholds them unless they are known to hold none
    // (found by a security trial: a hard-denied task kept an AWS key in its arguments).
    let credentials = false;
    let credentialChecksLeft = credentialDetectors;
    const mayHoldCredentials = () => credentials || credentialChecksLeft > 0;
    try {
      canonicalArgs = canonicalJson(input.args);
      base.argsHash = sha256Hex(canonicalArgs);
      base.riskLevel = riskOf(actions, input.actionType);
      base.autonomy = options.autonomyOverride ?? autonomyOf(input.agentId, input.department);
      const strings = scanStrings(input.args);
      const findings: Finding[] = [];
      // Encoded text the gate could not afford to decode is unread: a human looks (fail closed, whatever detectors are disabled).
      const undecoded = strings.find((scanned) => scanned.undecoded);
      if (undecoded !== undefined) findings.push(undecodedFinding(undecoded.path));
      for (const detector of active) {
        try {
          const found = runDetector(detector, strings, input);
          if (detector.findsCredentials && found.length > 0) credentials = true;
          if (detector.findsCredentials) credentialChecksLeft -= 1;
          findings.push(...found);
        } catch (error) {
          return finish(failClosed(`detector ${detector.id} failed (${messageOf(error)})`, `detector-error:${detector.id}`, mayHoldCredentials()));
        }
      }
      if (hardDeny.has(input.actionType)) {
        return finish({
          decision: 'deny',
          reason: `${input.actionType} is on the hard-deny list`,
          matchedRules: [`hard-deny:${input.actionType}`],
          requiredApprovals: 1,
          ...(credentials ? { argsWithheld: true } : {}),
        });
      }
      const cell = policy.decisionTable[base.riskLevel][base.autonomy];
      if (cell === undefined) throw new TypeError(`no decision table cell for ${base.riskLevel}/${base.autonomy}`);
      const judgement = combine(findings, cell, base.riskLevel, base.autonomy, input.actionType);
      // A credential is never kept: the task is denied whatever else was found, its arguments withheld.
      if (credentials) return finish({ ...judgement, decision: 'deny', requiredApprovals: 1, argsWithheld: true, alternative: undefined });
      return finish(judgement);
    } catch (error) {
      if (!AUTONOMY_LEVELS.includes(base.autonomy)) base.autonomy = 'locked';
      if (!RISK_LEVELS.includes(base.riskLevel)) base.riskLevel = 'critical';
      return finish(failClosed(`policy evaluation failed (${messageOf(error)})`, 'evaluation-error', mayHoldCredentials()));
    }
  }

  return { policy, version, evaluate, autonomyOf };
}
