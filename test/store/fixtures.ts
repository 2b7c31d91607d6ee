import type { Approval } from '../../src/model/approval.ts';
import type { LifecycleEventType } from '../../src/model/lifecycle-event.ts';
import type { HistoryEntry } from '../../src/model/task.ts';
import type { StampedEventDraft, TaskCommit, TaskRecord } from '../../src/store/task-record.ts';

/** Valid records for store tests. Every builder returns a fresh object, so tests may mutate it. */

const BASE_MS = Date.parse('2030-01-01T00:00:00.000Z');

/** An ISO time `minutes` after a fixed base, so ordering by time is ordering by `minutes`. */
export function isoAt(minutes: number): string {
  return new Date(BASE_MS + minutes * 60_000).toISOString();
}

/** Task ids sort by `n`, as real ids sort by creation time. */
export function taskIdOf(n: number): string {
  return `task-${String(n).padStart(4, '0')}`;
}

/** A task row with every field filled in; `n` fixes its id and creation time. */
export function taskRecord(n: number, overrides: Partial<TaskRecord> = {}): TaskRecord {
  const createdAt = isoAt(n);
  const history: HistoryEntry[] = [
    { at: createdAt, from: null, to: 'proposed', event: 'SUBMIT' },
    { at: createdAt, from: 'proposed', to: 'evaluating', event: 'EVALUATE' },
  ];
  return {
    id: taskIdOf(n),
    state: 'evaluating',
    actionType: 'vcs:push',
    title: `push branch ${n}`,
    agentId: 'agent-1',
    department: 'engineering',
    riskLevel: 'high',
    approvalId: null,
    parentTaskId: null,
    idempotencyKey: null,
    revision: 1,
    envelope: JSON.stringify({ machineVersion: 1, snapshot: { value: 'evaluating', context: { n, args: { branch: `b${n}` } } } }),
    history,
    quarantineReason: null,
    createdAt,
    updatedAt: createdAt,
    ...overrides,
  };
}

/**
 * The next revision of a task: revision + 1, a later `updatedAt`, the new state appended to the
 * history and the envelope, and any other overrides.
 */
export function nextRevision(task: TaskRecord, overrides: Partial<TaskRecord> = {}): TaskRecord {
  const state = overrides.state ?? 'parked';
  const updatedAt = isoAt(1_000 + task.revision);
  return {
    ...task,
    state,
    revision: task.revision + 1,
    envelope: JSON.stringify({ machineVersion: 1, snapshot: { value: state, context: { revision: task.revision + 1 } } }),
    history: [...task.history.map((entry) => ({ ...entry })), { at: updatedAt, from: task.state, to: state, event: 'NEXT' }],
    updatedAt,
    ...overrides,
  };
}

/** A pending approval of a task, with a vote, a deadline and escalation tiers. */
export function approvalOf(task: TaskRecord, overrides: Partial<Approval> = {}): Approval {
  return {
    id: `appr-${task.id}`,
    taskId: task.id,
    actionType: task.actionType,
    title: task.title,
    description: `approve ${task.title}`,
    requestedBy: task.agentId,
    riskLevel: task.riskLevel ?? 'high',
    status: 'pending',
    requiredApprovals: 2,
    approvals: [{ by: 'alice', at: task.createdAt, comment: 'looks fine' }],
    escalationTier: 0,
    argsHash: `sha256-${task.id}`,
    policyVersion: 'policy-1',
    createdAt: task.createdAt,
    expiresAt: isoAt(240),
    decidedAt: null,
    decidedBy: null,
    decisionReason: null,
    onTimeout: 'escalate',
    escalationDeadlines: [isoAt(480), isoAt(720)],
    onEscalationExhausted: 'deny',
    ...overrides,
  };
}

/** A lifecycle event of a task, with nested data. */
export function eventOf(task: TaskRecord, type: LifecycleEventType, overrides: Partial<StampedEventDraft> = {}): StampedEventDraft {
  return {
    type,
    taskId: task.id,
    actor: task.agentId,
    at: task.updatedAt,
    data: { state: task.state, detail: { revision: task.revision, tags: ['a', 'b'] } },
    ...overrides,
  };
}

/** The commit that inserts a new task, with a `task.proposed` event unless told otherwise. */
export function insertOf(task: TaskRecord, extra: Partial<Omit<TaskCommit, 'task' | 'expectedRevision'>> = {}): TaskCommit {
  return { task, expectedRevision: null, events: [eventOf(task, 'task.proposed')], ...extra };
}

/** The commit that moves a stored task (at `previous.revision`) to `next`. */
export function updateOf(
  previous: TaskRecord,
  next: TaskRecord,
  extra: Partial<Omit<TaskCommit, 'task' | 'expectedRevision'>> = {},
): TaskCommit {
  return { task: next, expectedRevision: previous.revision, events: [eventOf(next, 'task.evaluated')], ...extra };
}
