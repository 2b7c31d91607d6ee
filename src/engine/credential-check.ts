import { ValidationError } from '../errors.ts';
import type { JsonObject } from '../model/json.ts';
import { scanStrings } from '../policy/detectors/scan.ts';
import { secrets } from '../policy/detectors/secrets.ts';

/**
 * Refuses arguments a human typed (a reroute's alternative) that hold a credential. A proposal
 * with one is denied and its arguments withheld; a decision is refused instead, before anything
 * is stored, since it would be kept in the rerouted task's record, its events and the audit.
 * @throws ValidationError naming where the credential is
 * @example assertNoCredentials(decision.alternative.args ?? {}, 'alternative.args');
 */
export function assertNoCredentials(args: JsonObject, where: string): void {
  const findings = secrets.detect(scanStrings(args), args);
  if (findings.length === 0) return;
  const issues = findings.map((finding) => ({ path: finding.path ? `${where}.${finding.path}` : where, message: finding.reason }));
  throw new ValidationError(
    `invalid decision: ${where} holds a credential (${findings[0]?.reason}); Tollgate never stores one: pass a reference to it (a secret's name, \${VAR}) instead`,
    issues,
  );
}
