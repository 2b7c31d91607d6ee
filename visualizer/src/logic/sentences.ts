import { ApiError, NetworkError } from '../api/problem.ts';
import type { Principal } from '../api/types.ts';

/** What the user was doing when the error happened: it changes how a sentence reads. */
export type UserAction = 'approve' | 'reject' | 'reroute' | 'sign-in' | 'load';

/** What a sentence may mention besides the error. */
export interface SentenceContext {
  /** The approval's risk tier (for `risk_exceeds_role`). */
  riskLevel?: string;
  /** The signed-in principal's ceiling (for `risk_exceeds_role`). */
  maxRisk?: string;
}

const VERB: Record<UserAction, string> = {
  approve: 'approve',
  reject: 'reject',
  reroute: 'reroute',
  'sign-in': 'sign in',
  load: 'load this',
};

/**
 * What an approver is told about an approval above their limit: on the card at once, and as the
 * server's `risk_exceeds_role` refusal.
 * @example riskLimitSentence('critical', 'high')
 */
export function riskLimitSentence(riskLevel: string, maxRisk: string): string {
  return `This is a ${riskLevel}-risk action and your role decides up to ${maxRisk} risk. Ask an approver with a higher limit.`;
}

/** The noun of a decision, for "your approval may not have been recorded". */
const DECISION: Partial<Record<UserAction, string>> = { approve: 'approval', reject: 'rejection', reroute: 'reroute' };

/**
 * What a server that did not answer means for what the user was doing. The page reconnects its
 * live view by itself, but neither signs in again nor sends a decision again: a decision's
 * request may have landed before the connection was cut (a second approval is refused as
 * already_voted, so deciding again is safe).
 */
function networkSentence(action: UserAction): string {
  if (action === 'sign-in') return 'The server is not answering. It may be down or restarting: sign in again in a moment.';
  const decision = DECISION[action];
  if (decision) {
    return `The server did not answer, so your ${decision} may not have been recorded. The page reconnects on its own; the card then shows where it stands — decide again if it is still pending.`;
  }
  return 'The server is not answering. It may be down or restarting; this page reconnects on its own.';
}

/**
 * A plain sentence for an error, as a person reads it: what happened and what to do. Never a
 * status code alone, never a stack.
 * @example errorSentence(new ApiError(403, 'self_approval', '…'), 'approve') // 'You requested this action, so someone else must approve it.'
 */
export function errorSentence(error: unknown, action: UserAction, context: SentenceContext = {}): string {
  if (error instanceof NetworkError) return networkSentence(action);
  if (!(error instanceof ApiError)) return `Something went wrong in this page: ${error instanceof Error ? error.message : String(error)}.`;
  switch (error.code) {
    case 'self_approval':
      return action === 'approve'
        ? 'You requested this action, so someone else must approve it.'
        : 'You requested this action, so someone else must decide on it.';
    case 'risk_exceeds_role':
      return context.riskLevel && context.maxRisk
        ? riskLimitSentence(context.riskLevel, context.maxRisk)
        : 'This action is riskier than your role may decide. Ask an approver with a higher limit.';
    case 'forbidden':
      return `Your token may not ${VERB[action]}: it needs the approver or admin role.`;
    case 'already_voted':
      return 'You have already approved this. It needs another approver’s vote.';
    case 'not_pending':
      return 'This approval was already decided (or it expired) — the page now shows where it stands.';
    case 'invalid_transition':
      return 'The task has moved on and cannot be changed this way any more.';
    case 'not_found':
      return 'It does not exist on this server (any more).';
    case 'unauthorized':
      return action === 'sign-in' ? 'The server does not know this token. Check it and try again.' : 'The server no longer accepts your token. Enter it again.';
    case 'validation_failed':
      return validationSentence(error);
    case 'payload_too_large':
      return 'That is too large for the server (at most 1 MiB).';
    case 'store_closed':
    case 'engine_closed':
      return 'The server is shutting down. Try again in a moment.';
  }
  if (error.status >= 500) return 'The server failed on this request (a bug, now in its log). Nothing was changed.';
  return error.detail ? `The server refused: ${error.detail}.` : `The server refused this request (${error.status}).`;
}

function validationSentence(error: ApiError): string {
  if (error.issues.length === 0) return `The server refused the form: ${error.detail || 'it is not valid'}.`;
  const parts = error.issues.slice(0, 3).map((issue) => `${fieldName(issue.path)} ${issue.message}`);
  return `The server refused the form: ${parts.join('; ')}.`;
}

function fieldName(path: string): string {
  const last = path.split('.').filter(Boolean).at(-1) ?? '';
  return last === '' || last === 'body' ? 'it' : last.replace(/^alternative\./, '');
}

/**
 * What a principal with no deciding role is told where decisions would be: the queue (once, above
 * its cards) or a task's view.
 * @example watchOnlySentence({ id: 'viewer', roles: ['observer'] }, 'task') // 'Signed in as viewer (observer): you can read this task; …'
 */
export function watchOnlySentence(principal: Principal, where: 'queue' | 'task'): string {
  const can = where === 'queue' ? 'watch the queue' : 'read this task';
  return `Signed in as ${principal.id} (${principal.roles.join(', ')}): you can ${can}; deciding needs the approver or admin role.`;
}

/** What the queue shows of the pending approvals, for the line under it. */
export interface QueueShown {
  shown: number;
  total: number;
  /** For an approver with a limit below critical: of those shown, how many they may decide, and of all pending. */
  mine?: { shown: number; total: number };
}

/**
 * The line under the queue: how many of the pending approvals are shown, and (for an approver
 * with a limit) that those they may decide come first. Empty when everything is shown.
 * @example queueSentence({ shown: 360, total: 371, mine: { shown: 160, total: 160 } })
 */
export function queueSentence({ shown, total, mine }: QueueShown): string {
  const n = (value: number) => value.toLocaleString('en');
  if (mine === undefined || mine.total === total) {
    const hidden = total - shown;
    return hidden > 0 ? `The ${n(shown)} most urgent of ${n(total)} pending approvals; ${n(hidden)} less urgent ones come up as these are decided.` : '';
  }
  if (mine.total === 0) return 'None of these is yours to decide: all are above your limit.';
  const first = `The ${mine.shown === mine.total ? n(mine.total) : `${n(mine.shown)} most urgent of the ${n(mine.total)}`} you may decide come first`;
  const above = total - mine.total;
  const aboveShown = shown - mine.shown;
  return `${first}; then ${aboveShown === above ? n(above) : `the ${n(aboveShown)} most urgent of ${n(above)}`} above your limit, to watch.`;
}
