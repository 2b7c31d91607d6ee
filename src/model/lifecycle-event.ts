import { z } from 'zod';
import { JsonObject } from './json.ts';

/** The lifecycle event types of API.md, plus `approval.vote` (a quorum vote that is not yet final). */
export const LIFECYCLE_EVENT_TYPES = [
  'task.proposed',
  'task.evaluated',
  'approval.submitted',
  'task.parked',
  'approval.vote',
  'approval.approved',
  'approval.rejected',
  'approval.expired',
  'approval.escalated',
  'approval.cancelled',
  'task.resumed',
  'task.executing',
  'task.completed',
  'task.failed',
  'task.denied',
  'task.rerouted',
  'task.expired',
  'task.cancelled',
  'task.quarantined',
] as const;

export const LifecycleEventType = z.enum(LIFECYCLE_EVENT_TYPES);
export type LifecycleEventType = z.infer<typeof LifecycleEventType>;

/**
 * A lifecycle event as the task machine emits it: no id and no time yet. The engine stamps
 * `at`; the store gives it its `id` when the transition commits. The same record is the
 * outbox event (SSE) and the audit entry.
 */
export interface LifecycleEventDraft {
  type: LifecycleEventType;
  taskId: string;
  approvalId?: string;
  /** Who caused it: a principal id, the submitting agent, or `system`. */
  actor: string;
  data?: JsonObject;
}

/** A committed lifecycle event, as `engine.events$` and SSE deliver it. */
export const LifecycleEvent = z.strictObject({
  id: z.number().int().positive(),
  type: LifecycleEventType,
  at: z.string(),
  taskId: z.string(),
  approvalId: z.string().optional(),
  actor: z.string(),
  data: JsonObject.optional(),
});
export type LifecycleEvent = z.infer<typeof LifecycleEvent>;

/** One entry of the hash-chained audit log. */
export const AuditEntry = z.strictObject({
  seq: z.number().int().positive(),
  at: z.string(),
  actor: z.string(),
  action: z.string(),
  taskId: z.string().nullable(),
  approvalId: z.string().nullable(),
  data: JsonObject,
  prevHash: z.string(),
  hash: z.string(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

/** Result of checking the audit chain. */
export interface AuditVerification {
  ok: boolean;
  entries: number;
  /** The `seq` of the first entry whose hash or link does not match. */
  brokenAt?: number;
  /** What is wrong there, in a sentence (with `brokenAt`). */
  reason?: string;
  /**
   * The last entry of a chain that verifies (absent when it is empty or broken): record it
   * outside the store, and pass it back as an anchor later to prove nothing up to it was rewritten.
   */
  head?: { seq: number; hash: string };
  /** How many anchors were checked (when any were given and the chain verifies). */
  anchors?: number;
}
