import type { SecOpsInput } from '../../machines/task.machine.ts';
import type { PolicyRuntime } from '../../src/engine/policy-runtime.ts';
import type { RiskLevel } from '../../src/model/risk.ts';
import type { Verdict } from '../../src/model/verdict.ts';
import { canonicalJson, sha256Hex } from '../../src/util/canonical-json.ts';

/**
 * Action types whose verdict the test policy fixes, so tests choose a path through the
 * machine by choosing an action type.
 */
export const TEST_ACTIONS = {
  allow: 'test:allow',
  deny: 'test:deny',
  alternative: 'test:alternative',
  human: 'test:human',
  quorum: 'test:quorum',
  escalating: 'test:escalating',
  approveOnTimeout: 'test:approve-on-timeout',
  secOpsThrows: 'test:secops-throws',
} as const;

/** How long a test approval waits before its deadline. */
export const TEST_DEADLINE_MS = 60_000;

/** A deterministic policy for engine tests (the real policy has its own tests). */
export function testPolicy(): PolicyRuntime {
  return {
    version: 'sha256:test-policy',
    autonomy: { company: 'semi', departments: {}, agents: {} },
    evaluate(input: SecOpsInput): Verdict {
      const verdict = (decision: Verdict['decision'], riskLevel: RiskLevel, requiredApprovals = 1): Verdict => ({
        decision,
        reason: `test policy: ${input.actionType}`,
        matchedRules: [`test:${input.actionType}`],
        riskLevel,
        autonomy: 'semi',
        requiredApprovals,
        policyVersion: 'sha256:test-policy',
        argsHash: sha256Hex(canonicalJson(input.args)),
        durationMs: 0,
        ...(decision === 'alternative'
          ? { alternative: { actionType: TEST_ACTIONS.allow, args: { saferThan: input.actionType }, title: 'safer' } }
          : {}),
      });
      switch (input.actionType) {
        case TEST_ACTIONS.deny:
          return verdict('deny', 'high');
        case TEST_ACTIONS.alternative:
          return verdict('alternative', 'high');
        case TEST_ACTIONS.human:
          return verdict('escalate', 'high');
        case TEST_ACTIONS.quorum:
          return verdict('escalate', 'critical', 2);
        case TEST_ACTIONS.escalating:
          return verdict('escalate', 'medium');
        case TEST_ACTIONS.approveOnTimeout:
          return verdict('escalate', 'low');
        case TEST_ACTIONS.secOpsThrows:
          throw new Error('a rule threw');
        default:
          return verdict('allow', 'low');
      }
    },
    planDeadlines(riskLevel, filedAtMs, ttlSeconds) {
      const first = new Date(filedAtMs + (ttlSeconds ? ttlSeconds * 1000 : TEST_DEADLINE_MS)).toISOString();
      if (riskLevel === 'medium') {
        return {
          expiresAt: first,
          onTimeout: 'escalate',
          escalationDeadlines: [new Date(filedAtMs + 2 * TEST_DEADLINE_MS).toISOString()],
          onEscalationExhausted: 'deny',
        };
      }
      if (riskLevel === 'low') return { expiresAt: first, onTimeout: 'approve', escalationDeadlines: [] };
      return { expiresAt: first, onTimeout: 'deny', escalationDeadlines: [] };
    },
  };
}

/**
 * The test policy as redeployed with another version while tasks were parked: it allows
 * everything, denies everything, or throws, so a model path can choose what a recheck says.
 */
export function changedTestPolicy(outcome: 'allows' | 'denies' | 'throws', version = 'sha256:changed'): PolicyRuntime {
  const base = testPolicy();
  return {
    ...base,
    version,
    evaluate(input) {
      if (outcome === 'throws') throw new Error('a rule of the new policy threw');
      const verdict = base.evaluate({ ...input, actionType: TEST_ACTIONS.allow });
      return { ...verdict, decision: outcome === 'allows' ? 'allow' : 'deny', policyVersion: version, reason: `changed policy ${outcome}` };
    },
  };
}
