import { DEFAULT_POLICY } from '../policy/default-policy.ts';
import { compilePolicy } from '../policy/evaluate.ts';
import { parsePolicy } from '../policy/load-policy.ts';
import { type Policy, outcomeStrictness } from '../policy/policy-schema.ts';
import { RISK_LEVELS } from '../model/risk.ts';
import { exhaustedAction, planDeadlines, timeoutRuleFor } from '../policy/timeouts.ts';
import type { PolicyRuntime } from './policy-runtime.ts';

const monotonicMs = (): number => performance.now();
const MEASURED = { now: monotonicMs };

/**
 * Validates and compiles a policy document into what the engine's child actors call. A
 * document built in code is checked like a file (no auto-approve of high risk on timeout, …).
 * @throws ValidationError
 * @example createEngine({ store, policy: policyRuntime(loadPolicyFile('policy.json')) })
 */
export function policyRuntime(document: Policy): PolicyRuntime {
  const policy = parsePolicy(document);
  const compiled = compilePolicy(policy);
  return {
    version: compiled.version,
    autonomy: policy.autonomy,
    // `durationMs` is measured: it is the one field of a verdict that is not a function of its input.
    evaluate: (input, autonomy) => compiled.evaluate(input, autonomy === undefined ? MEASURED : { autonomyOverride: autonomy, now: monotonicMs }),
    unlockedBy(from, to) {
      const looser = RISK_LEVELS.filter((risk) => outcomeStrictness(policy.decisionTable[risk][to]) < outcomeStrictness(policy.decisionTable[risk][from]));
      return looser.at(-1) ?? null;
    },
    planDeadlines(riskLevel, filedAtMs, ttlSeconds) {
      const plan = planDeadlines(policy, riskLevel, filedAtMs, ttlSeconds);
      const rule = timeoutRuleFor(policy, riskLevel);
      return rule.kind === 'escalate' ? { ...plan, onEscalationExhausted: exhaustedAction(policy, riskLevel) } : plan;
    },
  };
}

let defaultRuntime: PolicyRuntime | undefined;

/** The default policy of DESIGN.md, compiled once. */
export function defaultPolicyRuntime(): PolicyRuntime {
  defaultRuntime ??= policyRuntime(DEFAULT_POLICY);
  return defaultRuntime;
}
