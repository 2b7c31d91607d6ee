import { z } from 'zod';
import { RiskLevel } from './risk.ts';
import { plainText } from './text.ts';

/** Roles a principal may hold. */
export const Role = z.enum(['agent', 'approver', 'observer', 'admin']);
export type Role = z.infer<typeof Role>;

/** Someone (an agent or a person) acting on Tollgate, as established by authentication. */
export const Principal = z.strictObject({
  id: plainText(1, 200),
  roles: z.array(Role).min(1),
  /** The highest risk this principal may decide; approvers default to `high`. */
  maxRisk: RiskLevel.optional(),
  /**
   * The department an agent belongs to (the tokens file says so, not the request): its tasks
   * are that department's, and take its autonomy level.
   */
  department: plainText(1, 200).optional(),
});
export type Principal = z.infer<typeof Principal>;

/** The principal id used for transitions nobody asked for (sweeper, recovery). */
export const SYSTEM_ACTOR = 'system';
