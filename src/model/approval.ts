import { z } from 'zod';
import { ActionType } from './action-type.ts';
import { RiskLevel } from './risk.ts';

/** Where an approval stands. */
export const ApprovalStatus = z.enum(['pending', 'approved', 'rejected', 'expired', 'cancelled']);
export type ApprovalStatus = z.infer<typeof ApprovalStatus>;

/** One approver's vote. */
export const ApprovalVote = z.strictObject({
  by: z.string(),
  at: z.string(),
  comment: z.string().optional(),
});
export type ApprovalVote = z.infer<typeof ApprovalVote>;

/** What happens when an approval's deadline passes. */
export const TimeoutAction = z.enum(['wait', 'deny', 'escalate', 'approve']);
export type TimeoutAction = z.infer<typeof TimeoutAction>;

/** A human decision that a parked task waits for (the API's Approval). */
export const Approval = z.strictObject({
  id: z.string(),
  taskId: z.string(),
  actionType: ActionType,
  title: z.string(),
  description: z.string().optional(),
  requestedBy: z.string(),
  riskLevel: RiskLevel,
  status: ApprovalStatus,
  requiredApprovals: z.number().int().min(1),
  approvals: z.array(ApprovalVote),
  escalationTier: z.number().int().min(0),
  argsHash: z.string(),
  policyVersion: z.string(),
  createdAt: z.string(),
  /** null: waits forever. */
  expiresAt: z.string().nullable(),
  decidedAt: z.string().nullable(),
  decidedBy: z.string().nullable(),
  decisionReason: z.string().nullable(),
  /** What the sweeper does at `expiresAt` (`escalate` while tiers remain). */
  onTimeout: TimeoutAction,
  /** Deadlines of the remaining escalation tiers, cumulative, earliest first. */
  escalationDeadlines: z.array(z.string()),
  /** What happens when the last escalation tier's deadline passes (never `approve` for high/critical). */
  onEscalationExhausted: z.enum(['deny', 'approve']).optional(),
});
export type Approval = z.infer<typeof Approval>;

/** A vote as the API shows it: API.md's `{ by, at, comment }`, `comment` null when none was given. */
export const ApprovalVoteView = ApprovalVote.extend({ comment: z.string().nullable() });
export type ApprovalVoteView = z.infer<typeof ApprovalVoteView>;

/**
 * An approval as the API and the engine show it: every field of API.md present, `description`
 * null when the proposal had none, and each vote's `comment` null when it had none (the stored
 * approval, inside task snapshots, leaves them out).
 */
export const ApprovalView = Approval.extend({ description: z.string().nullable(), approvals: z.array(ApprovalVoteView) });
export type ApprovalView = z.infer<typeof ApprovalView>;

/**
 * Shapes a stored approval for callers.
 * @example toApprovalView(approval).description // null when the proposal gave none
 */
export function toApprovalView(approval: Approval): ApprovalView {
  return Object.assign({}, approval, {
    description: approval.description ?? null,
    // Built field by field: a spread that adds a key is a slow path in V8, and this runs per decision.
    approvals: approval.approvals.length === 0 ? [] : approval.approvals.map((vote) => ({ by: vote.by, at: vote.at, comment: vote.comment ?? null })),
  });
}
