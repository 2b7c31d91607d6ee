import { ValidationError } from '../errors.ts';
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
  const issues = findings.map((finding) => ({ path: finding.path ? `${where}.${finding.path}` : where, message: finding.reason }));
  throw new ValidationError(
    `invalid ${what}: ${where} holds a credential (${findings[0]?.reason}); Tollgate never stores one: pass a reference to it (a secret's name, \${VAR}) instead`,
    issues,
  );
}

/**
 * Refuses a proposal whose descriptive fields hold a credential: `metadata` (structured, checked
 * like arguments) and `title`/`description` (free text, checked for credential formats only).
 * They are stored and shown as they are, so the proposal is refused before anything is kept; a
 * credential in the arguments instead denies the task and withholds them (an audited event).
 * @throws ValidationError naming the field
 * @example assertNoCredentialsOutsideArgs(proposal);
 */
export function assertNoCredentialsOutsideArgs(proposal: { title: string; description?: string | undefined; metadata?: JsonObject | undefined }): void {
  for (const field of ['title', 'description'] as const) {
    const text = proposal[field];
    const what = text === undefined ? null : credentialFormatIn(text);
    if (what !== null) {
      throw new ValidationError(`invalid proposal: ${field} holds ${what}; Tollgate never stores a credential: leave it out, or pass a reference to it`, [
        { path: field, message: `${what} in ${field}` },
      ]);
    }
  }
  if (proposal.metadata !== undefined) assertNoCredentials(proposal.metadata, 'metadata', 'proposal');
}
