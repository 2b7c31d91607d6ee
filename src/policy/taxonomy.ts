import type { RiskLevel } from '../model/risk.ts';

/**
 * The built-in action taxonomy: `category:action` → risk tier (DESIGN.md). A policy file's
 * `actions` adds to and overrides it; anything not listed is `high`.
 */
export const DEFAULT_ACTION_RISKS: Readonly<Record<string, RiskLevel>> = {
  'code:read': 'low',
  'docs:write': 'low',
  'comms:internal': 'low',
  'vcs:branch': 'low',
  'db:query': 'low',
  'code:write': 'medium',
  'code:create': 'medium',
  'code:refactor': 'medium',
  'vcs:commit': 'medium',
  'budget:spend': 'medium',
  'arch:decide': 'medium',
  'tool:invoke': 'medium',
  'vcs:push': 'high',
  'code:delete': 'high',
  'db:mutate': 'high',
  'deploy:staging': 'high',
  'comms:external': 'high',
  'budget:exceed': 'high',
  'org:hire': 'high',
  'org:promote': 'high',
  'deploy:production': 'critical',
  'db:admin': 'critical',
  'org:fire': 'critical',
};

/** The tier of an action type nobody listed. */
export const UNKNOWN_ACTION_RISK: RiskLevel = 'high';

/**
 * The risk tier of an action type under a taxonomy.
 * @example riskOf({ 'vcs:push': 'high' }, 'vcs:push') // 'high'
 */
export function riskOf(actions: Readonly<Record<string, RiskLevel>>, actionType: string): RiskLevel {
  return Object.hasOwn(actions, actionType) ? (actions[actionType] as RiskLevel) : UNKNOWN_ACTION_RISK;
}
