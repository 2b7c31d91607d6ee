import type { DeadlinePlan } from '../engine/policy-runtime.ts';
import type { RiskLevel } from '../model/risk.ts';
import type { Policy, TimeoutRule } from './policy-schema.ts';

/** The timeout rule for a risk tier. */
export function timeoutRuleFor(policy: Policy, risk: RiskLevel): TimeoutRule {
  return policy.timeouts[risk];
}

/** What an exhausted escalation chain does (never `approve` for high or critical). */
export function exhaustedAction(policy: Policy, risk: RiskLevel): 'deny' | 'approve' {
  const rule = policy.timeouts[risk];
  if (rule.kind !== 'escalate') return 'deny';
  return rule.onExhausted === 'approve' && (risk === 'low' || risk === 'medium') ? 'approve' : 'deny';
}

/**
 * The deadlines of an approval filed at `filedAtMs`: the first deadline (`ttlSeconds`
 * overrides the rule's), the action at it, and for escalation chains the cumulative deadlines
 * of the later tiers.
 * @example planDeadlines(DEFAULT_POLICY, 'high', Date.now()) // { expiresAt: '…+4h', onTimeout: 'deny', escalationDeadlines: [] }
 */
export function planDeadlines(policy: Policy, risk: RiskLevel, filedAtMs: number, ttlSeconds?: number): DeadlinePlan {
  const rule = policy.timeouts[risk];
  const at = (seconds: number) => new Date(filedAtMs + seconds * 1000).toISOString();
  switch (rule.kind) {
    case 'wait':
      return ttlSeconds ? { expiresAt: at(ttlSeconds), onTimeout: 'deny', escalationDeadlines: [] } : { expiresAt: null, onTimeout: 'wait', escalationDeadlines: [] };
    case 'deny':
      return { expiresAt: at(ttlSeconds ?? rule.afterSeconds), onTimeout: 'deny', escalationDeadlines: [] };
    case 'approve': {
      const safe = risk === 'low' || risk === 'medium';
      return { expiresAt: at(ttlSeconds ?? rule.afterSeconds), onTimeout: safe ? 'approve' : 'deny', escalationDeadlines: [] };
    }
    case 'escalate': {
      let elapsed = 0;
      const deadlines = rule.tiers.map((tier, index) => {
        elapsed += index === 0 && ttlSeconds ? ttlSeconds : tier.afterSeconds;
        return at(elapsed);
      });
      const [first, ...rest] = deadlines;
      return {
        expiresAt: first ?? null,
        onTimeout: rest.length > 0 ? 'escalate' : exhaustedAction(policy, risk),
        escalationDeadlines: rest,
        onEscalationExhausted: exhaustedAction(policy, risk),
      };
    }
  }
}
