import { readFileSync, statSync } from 'node:fs';
import { ValidationError } from '../errors.ts';
import { parseInput } from '../engine/validate.ts';
import { canonicalJson, sha256Hex } from '../util/canonical-json.ts';
import { jsonErrorOffset, lineAndColumn } from '../util/json-syntax.ts';
import { findDuplicateKey } from './duplicate-keys.ts';
import { Policy } from './policy-schema.ts';

/**
 * Validates a policy document; errors name the JSON path (`decisionTable.high.semi`).
 * @throws ValidationError
 * @example const policy = parsePolicy(JSON.parse(text));
 */
export function parsePolicy(json: unknown): Policy {
  return parseInput(Policy, json, 'policy');
}

/** The largest policy file read (4 MiB: about 80,000 per-agent levels), so a stray file cannot hold a start for seconds and hundreds of MB. */
export const MAX_POLICY_FILE_BYTES = 4 * 1024 * 1024;

/**
 * Reads and validates a policy file.
 * @throws ValidationError (unreadable file, bad JSON, invalid policy)
 * @example const policy = loadPolicyFile('./policy.json');
 */
export function loadPolicyFile(path: string): Policy {
  let bytes: Buffer;
  try {
    const size = statSync(path).size;
    if (size > MAX_POLICY_FILE_BYTES) {
      throw new ValidationError(`policy file ${path} is ${size} bytes, more than ${MAX_POLICY_FILE_BYTES} (4 MiB): a policy this large is no longer one a person can review; keep per-agent levels in the autonomy store (the autonomy routes) instead`);
    }
    bytes = readFileSync(path);
  } catch (error) {
    if (error instanceof ValidationError) throw error;
    throw new ValidationError(`cannot read policy file ${path}: ${(error as Error).message}`);
  }
  const text = decodePolicyText(bytes, path);
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
  const duplicate = findDuplicateKey(text);
  if (duplicate !== null) {
    const at = lineAndColumn(text, duplicate.offset);
    throw new ValidationError(`policy file ${path} names ${duplicate.path} twice (again at line ${at.line}, column ${at.column}): JSON would keep the last one unseen; say it once`, [
      { path: duplicate.path, message: `named twice (again at line ${at.line}, column ${at.column})` },
    ]);
  }
  return parsePolicy(json);
}

/**
 * A policy file's text: UTF-8 (a leading byte-order mark, as some editors write, is skipped);
 * anything else is refused by name rather than read as replacement characters.
 * @throws ValidationError
 */
function decodePolicyText(bytes: Buffer, path: string): string {
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bom ? bytes.subarray(3) : bytes);
  } catch {
    const utf16 = (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);
    throw new ValidationError(`policy file ${path} is not UTF-8 text${utf16 ? ' (it looks like UTF-16: save it as UTF-8)' : ''}`);
  }
}

/**
 * A policy's version: the hash of its content, so any change is a new version.
 * @example policyVersion(DEFAULT_POLICY) // 'sha256:3f2a…' (16 hex digits)
 */
export function policyVersion(policy: Policy): string {
  return `sha256:${sha256Hex(canonicalJson(policy)).slice(0, 16)}`;
}
