/** When too many of an agent's executions fail, its autonomy goes one level down. */
export interface ErrorRateRule {
  /** Failed share of the last `window` executions at which the agent is downgraded (0 < threshold ≤ 1). */
  threshold: number;
  /** How many recent executions are counted. */
  window: number;
  /** No judgement before this many executions are in the window. */
  minSamples: number;
}

/**
 * Failed executions that say nothing about the agent: the executor endpoint was down, busy or
 * cut off (the action did not run, or nobody knows), or the engine closed under it. An outage
 * of the gate's own infrastructure must not lock out every agent (and stay after the outage:
 * a downgrade is stored); the error rate counts actions that ran and failed, or were refused.
 */
export const INFRASTRUCTURE_FAILURES: ReadonlySet<string> = new Set([
  'executor_unreachable',
  'executor_unavailable',
  'execution_outcome_unknown',
  'engine_closed',
]);

/** The default rule: half of the last 20 executions failed, with at least 10 seen. */
export const DEFAULT_ERROR_RATE_RULE: Readonly<ErrorRateRule> = Object.freeze({ threshold: 0.5, window: 20, minSamples: 10 });

/**
 * Counts each agent's recent execution outcomes and says when its failure rate crossed the
 * rule's threshold. After a trip the agent's window starts again, so one bad streak costs one
 * level, not one per failure.
 * @example
 * const tracker = new ErrorRateTracker(DEFAULT_ERROR_RATE_RULE);
 * if (tracker.record('agent-7', true)) registry.downgrade('agent-7', undefined, 'error_rate', '…');
 */
export class ErrorRateTracker {
  readonly rule: ErrorRateRule;
  #outcomes = new Map<string, boolean[]>();

  constructor(rule: ErrorRateRule) {
    if (!(rule.threshold > 0 && rule.threshold <= 1) || !Number.isInteger(rule.window) || rule.window < 1) {
      throw new RangeError('error rate rule: threshold must be in (0, 1] and window a positive integer');
    }
    if (!Number.isInteger(rule.minSamples) || rule.minSamples < 1 || rule.minSamples > rule.window) {
      throw new RangeError('error rate rule: minSamples must be an integer between 1 and window');
    }
    this.rule = rule;
  }

  /** Records one execution; true when this one tripped the threshold. */
  record(agentId: string, failed: boolean): boolean {
    let outcomes = this.#outcomes.get(agentId);
    if (!outcomes) {
      outcomes = [];
      this.#outcomes.set(agentId, outcomes);
    }
    outcomes.push(failed);
    if (outcomes.length > this.rule.window) outcomes.shift();
    if (outcomes.length < this.rule.minSamples) return false;
    const failures = outcomes.reduce((count, outcome) => count + (outcome ? 1 : 0), 0);
    if (failures / outcomes.length < this.rule.threshold) return false;
    this.#outcomes.delete(agentId);
    return true;
  }

  /** The failed share of an agent's window (0 when empty). */
  rateOf(agentId: string): number {
    const outcomes = this.#outcomes.get(agentId) ?? [];
    return outcomes.length === 0 ? 0 : outcomes.filter(Boolean).length / outcomes.length;
  }
}
