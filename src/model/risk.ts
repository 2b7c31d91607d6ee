import { z } from 'zod';

/** Risk tiers, lowest first. An unknown action type is `high`. */
export const RISK_LEVELS = ['low', 'medium', 'high', 'critical'] as const;

/** A risk tier: `low < medium < high < critical`. */
export const RiskLevel = z.enum(RISK_LEVELS);
export type RiskLevel = z.infer<typeof RiskLevel>;

/**
 * Orders two risk tiers.
 * @example compareRisk('high', 'medium') > 0 // true
 */
export function compareRisk(a: RiskLevel, b: RiskLevel): number {
  return RISK_LEVELS.indexOf(a) - RISK_LEVELS.indexOf(b);
}
