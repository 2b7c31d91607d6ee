import { ValidationError } from '../errors.ts';
import type { Decision } from '../model/decision.ts';
import type { JsonObject } from '../model/json.ts';
import { scanStrings } from '../policy/detectors/scan.ts';
import { credentialFormatIn, secrets } from '../policy/detectors/secrets.ts';

/**
 * Refuses arguments a human typed (a reroute's alternative) that hold a credential. A proposal
 * with one is denied and its arguments withheld; a decision is refused instead, before anything
 * is stored, since it would be kept in the rerouted task's record, its events and the audit.
 * @throws ValidationError naming where the credential is
 * @example assertNoCredentials(decision.alternative.args ?? {}, 'alternative.args');
 */
export function assertNoCredentials(args: JsonObject, where: string, what: 'decision' | 'proposal' = 'decision'): void {
  const findings = secrets.detect(scanStrings(args), args);
  if (findings.length === 0) return;
  // Each issue reads after its path ("alternative.args.token: holds a GitHub token"): the finding's reason without its own " in <path>".
  const issues = findings.map((finding) => ({
    path: finding.path ? `${where}.${finding.path}` : where,
    message: `holds ${finding.reason.replace(/ in (field )?\S+$/, '')}`,
  }));
  throw new ValidationError(
    `invalid ${what}: ${where} holds a credential (${findings[0]?.reason}); Tollgate never stores one: pass a reference to it (a secret's name, \${VAR}) instead`,
    issues,
  );
}

/**
 * Refuses free text that holds a credential in a known format (keys, tokens, passwords in
 * URLs; words about passwords pass): a proposal's title, description and department, a
 * decision's reason, comment and alternative title, a cancellation's reason, an autonomy
 * change's or downgrade's reason. Such text is stored and shown as it is — in the audit chain
 * for good — so the input is refused before anything is kept.
 * @throws ValidationError naming the field
 * @example assertNoCredentialText({ reason: decision.reason }, 'decision');
 */
export function assertNoCredentialText(fields: Record<string, string | undefined>, what: 'decision' | 'proposal' | 'cancellation' | 'autonomy change'): void {
  for (const [field, text] of Object.entries(fields)) {
    const format = text === undefined ? null : credentialFormatIn(text);
    if (format !== null) {
      throw new ValidationError(`invalid ${what}: ${field} holds ${format}; Tollgate never stores a credential: leave it out, or pass a reference to it`, [
        { path: field, message: `holds ${format}` },
      ]);
    }
  }
}

/**
 * Refuses a proposal whose descriptive fields hold a credential: `metadata` (structured, checked
 * like arguments) and `title`/`description`/`department` (free text, credential formats only).
 * A credential in the arguments instead denies the task and withholds them (an audited event).
 * @throws ValidationError naming the field
 * @example assertNoCredentialsOutsideArgs(proposal);
 */
export function assertNoCredentialsOutsideArgs(proposal: {
  title: string;
  description?: string | undefined;
  department?: string | undefined;
  idempotencyKey?: string | undefined;
  metadata?: JsonObject | undefined;
}): void {
  assertNoCredentialText(
    { title: proposal.title, description: proposal.description, department: proposal.department, idempotencyKey: proposal.idempotencyKey },
    'proposal',
  );
  if (proposal.metadata !== undefined) assertNoCredentials(proposal.metadata, 'metadata', 'proposal');
}

/**
 * Refuses a decision that would store a credential: in a reroute's alternative (arguments, title)
 * or in the reason or comment that the task, its events and the audit keep.
 * @throws ValidationError naming where
 * @example assertNoCredentialsInDecision(decision);
 */
export function assertNoCredentialsInDecision(decision: Decision): void {
  if (decision.kind === 'approve') {
    assertNoCredentialText({ comment: decision.comment }, 'decision');
    return;
  }
  assertNoCredentialText({ reason: decision.reason }, 'decision');
  if (decision.kind === 'reroute') {
    assertNoCredentialText({ 'alternative.title': decision.alternative.title }, 'decision');
    assertNoCredentials(decision.alternative.args ?? {}, 'alternative.args');
  }
}
