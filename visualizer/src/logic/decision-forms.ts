/**
 * Client-side checks of the decision forms, matching the server's rules (API.md, the
 * Decision schema), so a person sees what is wrong before sending. The server checks again;
 * its 400 is shown the same way.
 */

/** The result of checking a form: the body to send, or what is wrong with which field. */
export type FormCheck<T> = { ok: true; body: T } | { ok: false; errors: Record<string, string> };

/** `^category:action$`, as API.md defines `actionType`. */
export const ACTION_TYPE = /^[a-z][a-z0-9_-]*:[a-z][a-z0-9_-]*$/;
const MAX_TEXT = 2_000;

/**
 * Checks a rejection: a reason is required (the agent and the audit log see it).
 * @example checkReject('  ') // { ok: false, errors: { reason: 'Give a reason: …' } }
 */
export function checkReject(reason: string): FormCheck<{ reason: string }> {
  const error = reasonError(reason);
  return error ? { ok: false, errors: { reason: error } } : { ok: true, body: { reason: reason.trim() } };
}

/** What a reroute form holds, as typed. */
export interface RerouteFields {
  actionType: string;
  /** JSON text of an object; empty means no arguments. */
  args: string;
  title: string;
  reason: string;
}

/** The body of `POST /approvals/{id}/reroute`. */
export interface RerouteBody {
  reason: string;
  alternative: { actionType: string; args?: Record<string, unknown>; title?: string };
}

/**
 * Checks a reroute: a reason, an action type of the form `category:action`, arguments that
 * are a JSON object (or nothing), a title of at most 500 characters.
 * @example checkReroute({ actionType: 'vcs:push', args: '{"branch":"staging"}', title: '', reason: 'not main' }).ok // true
 */
export function checkReroute(fields: RerouteFields): FormCheck<RerouteBody> {
  const errors: Record<string, string> = {};
  const reason = reasonError(fields.reason);
  if (reason) errors.reason = reason;
  const actionType = fields.actionType.trim();
  if (actionType === '') errors.actionType = 'Name the action to run instead, e.g. vcs:push.';
  else if (!ACTION_TYPE.test(actionType) || actionType.length > 128) errors.actionType = 'Write it as category:action in lowercase, e.g. deploy:staging.';
  let args: Record<string, unknown> | undefined;
  if (fields.args.trim() !== '') {
    try {
      const parsed: unknown = JSON.parse(fields.args);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) errors.args = 'Arguments must be a JSON object, like {"branch": "staging"}.';
      else args = parsed as Record<string, unknown>;
    } catch (error) {
      errors.args = `This is not valid JSON (${error instanceof Error ? error.message : 'parse error'}).`;
    }
  }
  const title = fields.title.trim();
  if (title.length > 500) errors.title = 'Keep the title under 500 characters.';
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const alternative: RerouteBody['alternative'] = { actionType };
  if (args) alternative.args = args;
  if (title) alternative.title = title;
  return { ok: true, body: { reason: fields.reason.trim(), alternative } };
}

function reasonError(reason: string): string | null {
  if (reason.trim() === '') return 'Give a reason: the agent and the audit log will see it.';
  if (reason.trim().length > MAX_TEXT) return `Keep the reason under ${MAX_TEXT} characters.`;
  return null;
}
