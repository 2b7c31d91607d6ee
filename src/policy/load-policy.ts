import { readFileSync } from 'node:fs';
import { ValidationError } from '../errors.ts';
import { parseInput } from '../engine/validate.ts';
import { canonicalJson, sha256Hex } from '../util/canonical-json.ts';
import { jsonErrorOffset, lineAndColumn } from '../util/json-syntax.ts';
import { Policy } from './policy-schema.ts';

/**
 * Validates a policy document; errors name the JSON path (`decisionTable.high.semi`).
 * @throws ValidationError
 * @example const policy = parsePolicy(JSON.parse(text));
 */
export function parsePolicy(json: unknown): Policy {
  return parseInput(Policy, json, 'policy');
}

/**
 * Reads and validates a policy file.
 * @throws ValidationError (unreadable file, bad JSON, invalid policy)
 * @example const policy = loadPolicyFile('./policy.json');
 */
export function loadPolicyFile(path: string): Policy {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ValidationError(`cannot read policy file ${path}: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    // V8 gives no position for some mistakes (a trailing comma): located by our own scan.
    const offset = jsonErrorOffset(text);
    const at = offset === null ? null : lineAndColumn(text, offset);
    const where = at === null ? '' : ` at line ${at.line}, column ${at.column}`;
    throw new ValidationError(`policy file ${path} is not valid JSON${where}: ${(error as Error).message}`);
  }
  return parsePolicy(json);
}

/**
 * A policy's version: the hash of its content, so any change is a new version.
 * @example policyVersion(DEFAULT_POLICY) // 'sha256:3f2a…' (16 hex digits)
 */
export function policyVersion(policy: Policy): string {
  return `sha256:${sha256Hex(canonicalJson(policy)).slice(0, 16)}`;
}
