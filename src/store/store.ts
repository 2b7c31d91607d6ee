import type { Approval, ApprovalStatus } from '../model/approval.ts';
import type { ApprovalOrder, ApprovalPosition } from '../model/approval-order.ts';
import type { AuditAnchor } from '../model/audit-anchor.ts';
import type { AuditEntry, AuditVerification, LifecycleEvent } from '../model/lifecycle-event.ts';
import type { AutonomySetting } from '../model/autonomy-setting.ts';
import type { RiskLevel } from '../model/risk.ts';
import type { TaskState } from '../model/task-state.ts';
import type { CommitReceipt, TaskCommit, TaskLease, TaskRecord } from './task-record.ts';

/** Filters for listing tasks, newest first. `cursor` is the `nextCursor` of the page before. */
export interface TaskQuery {
  state?: TaskState;
  limit: number;
  cursor?: string;
}

/** Filters for listing approvals, and their order: newest first unless `order` says otherwise. */
export interface ApprovalQuery {
  status?: ApprovalStatus;
  riskLevel?: RiskLevel;
  /** Only approvals of this risk or lower: what an approver with this ceiling may decide. */
  riskAtMost?: RiskLevel;
  actionType?: string;
  /** `newest` (default) or `urgency` (model/approval-order.ts); `urgency` of pending approvals is indexed. */
  order?: ApprovalOrder;
  /**
   * Only approvals after this one in the query's order (keyset paging: the last item of the page
   * before). Costs the same on any page, where `offset` reads past every skipped approval.
   */
  after?: ApprovalPosition;
  offset: number;
  limit: number;
}

/** The queue of pending approvals at a glance (metrics). */
export interface PendingApprovalSummary {
  /** Pending approvals of each risk tier (every tier present, 0 included). */
  byRisk: Record<RiskLevel, number>;
  /** `createdAt` of the oldest pending approval; null when none is pending. */
  oldestCreatedAt: string | null;
}

/** An approval and its task's row as one read gives them (`Store.getApprovalWithTask`). */
export interface ApprovalWithTask {
  approval: Approval;
  task: TaskRecord | null;
}

/**
 * Where Tollgate keeps everything durable. Async because PostgreSQL needs it; every backend
 * passes `test/store/conformance.ts`.
 *
 * @example
 * const store = await openSqliteStore({ path: './tollgate.db' });
 * await store.commit({ task, expectedRevision: null, approval, events });
 */
export interface Store {
  /** Backend name, e.g. `memory`, `sqlite`. */
  readonly kind: string;
  /**
   * True when several processes may share the store (PostgreSQL): workers then need distinct
   * ids, leases decide who takes over what, and other workers' events arrive through the journal.
   */
  readonly shared: boolean;
  /**
   * Writes one task transition atomically. Concurrent commits may share one database
   * transaction (group commit); none resolves before its data is committed.
   * @throws StaleRevisionError, DuplicateIdempotencyKeyError, TaskExistsError
   */
  commit(change: TaskCommit): Promise<CommitReceipt>;
  getTask(id: string): Promise<TaskRecord | null>;
  findTaskByIdempotencyKey(agentId: string, key: string): Promise<TaskRecord | null>;
  /** Newest first (by id, which sorts by creation time). */
  listTasks(query: TaskQuery): Promise<{ items: TaskRecord[]; nextCursor: string | null }>;
  /**
   * Tasks in any of these states, oldest first (recovery). With `leaseFreeAt` (an ISO time), only
   * those nobody holds a lease on then — none, or one expired by that time (takeover).
   */
  listTasksInStates(states: readonly TaskState[], limit: number, options?: { leaseFreeAt?: string }): Promise<TaskRecord[]>;
  /**
   * Rerouted tasks whose alternative task (id `${id}-alt`) does not exist yet — a crash came
   * between the reroute's commit and the alternative's — oldest first.
   */
  listReroutesWithoutAlternative(limit: number): Promise<TaskRecord[]>;
  getApproval(id: string): Promise<Approval | null>;
  /**
   * An approval and its task's row, read together (one statement on the SQL stores, so both come
   * from the same commit): what a decision needs first. Null when there is no such approval;
   * `task` is null when the approval's task row is missing.
   */
  getApprovalWithTask(approvalId: string): Promise<ApprovalWithTask | null>;
  listApprovals(query: ApprovalQuery): Promise<{ items: Approval[]; total: number }>;
  /** Pending approvals whose `expiresAt` ≤ `now`, earliest deadline first. */
  listDueApprovals(now: string, limit: number): Promise<Approval[]>;
  /**
   * How many approvals are pending, by risk, and when the oldest was filed. Cheap at any size
   * (the SQL stores read their few rows of approval counts and one index entry): `/metrics`
   * reads it at every scrape.
   */
  pendingApprovalSummary(): Promise<PendingApprovalSummary>;
  /**
   * Stores an autonomy level (replacing the one for the same scope and subject) and appends its
   * `autonomy.changed` audit entry (no task) to the hash chain, atomically. Returns the entry's seq.
   */
  setAutonomy(setting: AutonomySetting): Promise<{ seq: number }>;
  /** Every stored autonomy level. */
  listAutonomy(): Promise<AutonomySetting[]>;
  /**
   * Leases each task whose lease is absent, expired (`expiresAt` ≤ `now`) or already
   * `lease.owner`'s, atomically per task; returns the ids now held. Of workers claiming the same
   * task at once, exactly one gets it.
   */
  claimTasks(taskIds: readonly string[], lease: TaskLease, now: string): Promise<string[]>;
  /** Extends the leases `lease.owner` still holds (a heartbeat); returns their ids. */
  renewLeases(taskIds: readonly string[], lease: TaskLease): Promise<string[]>;
  /**
   * Calls `listener` soon after another process appended to the journal (shared stores only;
   * a wake-up, not a delivery: read the events with `readEvents`). Returns the unsubscribe.
   */
  watchJournal?(listener: () => void): () => void;
  /** Task lifecycle events with id > `afterId`, in id order (audit-only entries such as autonomy changes are skipped). */
  readEvents(afterId: number, limit: number): Promise<LifecycleEvent[]>;
  /** The id of the newest event, 0 when none. */
  lastEventId(): Promise<number>;
  /** Audit entries, oldest first, optionally of one task. */
  readAudit(query: { taskId?: string; afterSeq?: number; limit?: number }): Promise<AuditEntry[]>;
  /**
   * Recomputes the hash chain, and checks that it holds every anchor (an entry's seq and hash
   * recorded outside the store) as recorded.
   */
  verifyAudit(anchors?: readonly AuditAnchor[]): Promise<AuditVerification>;
  /** Flushes pending commits and releases the backend. Idempotent. */
  close(): Promise<void>;
}
