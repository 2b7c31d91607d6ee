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
 * The deadlines of an approval filed at `filedAtMs`: the first deadline, the action at it, and
 * for escalation chains the cumulative deadlines of the later tiers.
 *
 * `ttlSeconds` is the proposer's own deadline: at it the request lapses (deny). It only ever
 * makes a request lapse sooner — never later than the policy's deny, never an escalation later,
 * never an approval: the proposer is the party the gate protects against. A ttl before the
 * policy's end of the road (its deny, its approval on timeout, the end of its escalation chain)
 * lapses into a deny at the ttl, the tiers before it escalating as planned; a longer one leaves
 * the policy's deadlines as they are.
 * @example planDeadlines(DEFAULT_POLICY, 'high', Date.now()) // { expiresAt: '…+4h', onTimeout: 'deny', escalationDeadlines: [] }
 */
export function planDeadlines(policy: Policy, risk: RiskLevel, filedAtMs: number, ttlSeconds?: number): DeadlinePlan {
  const rule = policy.timeouts[risk];
  const at = (seconds: number) => new Date(filedAtMs + seconds * 1000).toISOString();
  switch (rule.kind) {
    case 'wait':
      return ttlSeconds ? { expiresAt: at(ttlSeconds), onTimeout: 'deny', escalationDeadlines: [] } : { expiresAt: null, onTimeout: 'wait', escalationDeadlines: [] };
    case 'deny':
      return { expiresAt: at(Math.min(ttlSeconds ?? rule.afterSeconds, rule.afterSeconds)), onTimeout: 'deny', escalationDeadlines: [] };
    case 'approve': {
      if (ttlSeconds !== undefined && ttlSeconds < rule.afterSeconds) return { expiresAt: at(ttlSeconds), onTimeout: 'deny', escalationDeadlines: [] };
      const safe = risk === 'low' || risk === 'medium';
      return { expiresAt: at(rule.afterSeconds), onTimeout: safe ? 'approve' : 'deny', escalationDeadlines: [] };
    }
    case 'escalate':
      return planEscalation(policy, risk, rule.tiers, at, ttlSeconds);
  }
}

/** An escalation chain's deadlines, with the proposer's ttl applied as {@link planDeadlines} says. */
function planEscalation(
  policy: Policy,
  risk: RiskLevel,
  tiers: ReadonlyArray<{ afterSeconds: number }>,
  at: (seconds: number) => string,
  ttlSeconds: number | undefined,
): DeadlinePlan {
  let exhausted = exhaustedAction(policy, risk);
  let offsets: number[] = [];
  let elapsed = 0;
  for (const tier of tiers) {
    elapsed += tier.afterSeconds;
    offsets.push(elapsed);
  }
  if (ttlSeconds !== undefined && ttlSeconds < (offsets.at(-1) ?? 0)) {
    // The tiers before the ttl escalate as planned, and the request lapses at the ttl.
    offsets = [...offsets.filter((offset) => offset < ttlSeconds), ttlSeconds];
    exhausted = 'deny';
  }
  const [first, ...rest] = offsets.map(at);
  return {
    expiresAt: first ?? null,
    onTimeout: rest.length > 0 ? 'escalate' : exhausted,
    escalationDeadlines: rest,
    onEscalationExhausted: exhausted,
  };
}
