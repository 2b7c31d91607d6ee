import type { AuditEntry, Task } from '../api/types.ts';
import { quoted } from './quoted.ts';

/** One line of a task's timeline. */
export interface TimelineEntry {
  at: string;
  /** `state`: a step of the machine (history); `audit`: an entry of the audit log. */
  kind: 'state' | 'audit';
  /** What happened, short: `parked`, `approval.approved`. */
  title: string;
  /** Who or what caused it: the event (`APPROVE`) for steps, the actor for audit entries. */
  by: string;
  /** More words, when there are any (a reason, a vote count). */
  note?: string;
  /** For steps: the state entered (colour). */
  state?: string;
}

/**
 * A task's history and its audit entries in one list, oldest first. A step and an audit entry
 * at the same instant keep the step first (the state changed, then it was recorded).
 * @example buildTimeline(task, auditItems).map((e) => e.title)
 */
export function buildTimeline(task: Task, audit: readonly AuditEntry[]): TimelineEntry[] {
  const steps: TimelineEntry[] = (task.history ?? []).map((step) => ({
    at: step.at,
    kind: 'state',
    title: step.to,
    by: friendlyEvent(step.event),
    state: step.to,
  }));
  const entries: TimelineEntry[] = audit.map((entry) => {
    const note = auditNote(entry.data);
    return { at: entry.at, kind: 'audit', title: entry.action, by: entry.actor, ...(note ? { note } : {}) };
  });
  const rank = (entry: TimelineEntry) => (entry.kind === 'state' ? 0 : 1);
  return [...steps, ...entries]
    .map((entry, index) => ({ entry, index }))
    .sort((a, b) => (a.entry.at === b.entry.at ? rank(a.entry) - rank(b.entry) || a.index - b.index : a.entry.at < b.entry.at ? -1 : 1))
    .map(({ entry }) => entry);
}

/**
 * An XState event type as a person reads it: `xstate.done.actor.secOps` → `secOps done`.
 * @example friendlyEvent('xstate.error.actor.executor') // 'executor failed'
 */
export function friendlyEvent(event: string): string {
  const done = /^xstate\.done\.actor\.(.+)$/.exec(event);
  if (done) return `${done[1]} done`;
  const error = /^xstate\.error\.actor\.(.+)$/.exec(event);
  if (error) return `${error[1]} failed`;
  if (event === 'xstate.init') return 'start';
  if (event === '' || event === 'always') return 'automatic';
  return event;
}

function auditNote(data: Record<string, unknown>): string | undefined {
  const parts: string[] = [];
  for (const key of ['decision', 'reason', 'comment', 'riskLevel', 'code', 'message']) {
    const value = data[key];
    if (typeof value === 'string' && value !== '') parts.push(key === 'reason' || key === 'comment' || key === 'message' ? quoted(value) : value);
  }
  if (typeof data.votes === 'number' && typeof data.requiredApprovals === 'number') parts.push(`${data.votes} of ${data.requiredApprovals} votes`);
  return parts.length > 0 ? parts.join(' · ') : undefined;
}
