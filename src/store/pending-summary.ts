import { RISK_LEVELS, type RiskLevel } from '../model/risk.ts';

/**
 * Pending approvals by risk from `(risk_level, n)` rows (n as the driver gives it: a number, or
 * pg's string for a SUM), every tier present; a row of an unknown tier is left out.
 * @example pendingByRisk([{ risk_level: 'high', n: '3' }]) // { low: 0, medium: 0, high: 3, critical: 0 }
 */
export function pendingByRisk(rows: readonly { risk_level: string; n: number | string }[]): Record<RiskLevel, number> {
  const byRisk = Object.fromEntries(RISK_LEVELS.map((risk) => [risk, 0])) as Record<RiskLevel, number>;
  for (const row of rows) {
    if ((RISK_LEVELS as readonly string[]).includes(row.risk_level)) byRisk[row.risk_level as RiskLevel] += Number(row.n);
  }
  return byRisk;
}
