import { z } from 'zod';
import { AutonomyLevel } from './autonomy.ts';
import { plainText } from './text.ts';

/** Where an autonomy level applies; an agent's level wins over its department's, which wins over the company's. */
export const AutonomyScope = z.enum(['company', 'department', 'agent']);
export type AutonomyScope = z.infer<typeof AutonomyScope>;

/** Why an autonomy level changed without a human: DESIGN.md's automatic downgrades. */
export const AutonomyDowngradeCause = z.enum(['error_rate', 'budget_exhausted', 'security_incident']);
export type AutonomyDowngradeCause = z.infer<typeof AutonomyDowngradeCause>;

/** A change of autonomy asked for from outside (engine API, HTTP). `subject` is omitted for the company. */
export const AutonomyChange = z
  .strictObject({
    scope: AutonomyScope,
    subject: plainText(1, 200).optional(),
    level: AutonomyLevel,
    reason: z.string().trim().min(1).max(2_000),
  })
  .refine((change) => (change.scope === 'company') === (change.subject === undefined), {
    message: 'subject is required for an agent or a department, and not allowed for the company',
    path: ['subject'],
  });
export type AutonomyChange = z.infer<typeof AutonomyChange>;

/** An automatic downgrade reported from outside (a monitoring hook, an operator): never raises a level. */
export const AutonomyDowngrade = z.strictObject({
  agentId: z.string().min(1).max(200),
  department: z.string().min(1).max(200).optional(),
  cause: AutonomyDowngradeCause,
  reason: z.string().trim().min(1).max(2_000),
});
export type AutonomyDowngrade = z.infer<typeof AutonomyDowngrade>;

/** An autonomy level in force, as the store keeps it (the policy file's levels apply where there is none). */
export const AutonomySetting = z.strictObject({
  scope: AutonomyScope,
  /** The agent or department id; `*` for the company. */
  subject: z.string().min(1).max(200),
  level: AutonomyLevel,
  /** The level before this change (the policy file's, when nothing was stored). */
  previous: AutonomyLevel,
  reason: z.string(),
  /** A principal id, or `system` for an automatic downgrade. */
  setBy: z.string(),
  setAt: z.string(),
  /** Set for automatic downgrades. */
  cause: AutonomyDowngradeCause.optional(),
});
export type AutonomySetting = z.infer<typeof AutonomySetting>;

/** The subject key of the company scope. */
export const COMPANY_SUBJECT = '*';

export { autonomyAuditData } from './autonomy-audit.ts';
