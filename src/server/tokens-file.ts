import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { parseInput } from '../engine/validate.ts';
import { ValidationError } from '../errors.ts';
import { Principal, SYSTEM_ACTOR } from '../model/principal.ts';
import { identityKey } from '../model/principal-id.ts';
import { jsonErrorOffset, lineAndColumn } from '../util/json-syntax.ts';

/** One bearer token and whom it authenticates. */
export const TokenGrant = z.strictObject({
  token: z
    .string()
    .min(16, 'a token needs at least 16 characters')
    .max(512)
    .regex(/^[\x21-\x7e]+$/, 'a token is printable ASCII without spaces'),
  principal: Principal,
});
export type TokenGrant = z.infer<typeof TokenGrant>;

/**
 * A tokens file: `[{ "token": "…", "principal": { "id": "alice", "roles": ["approver"] } }]`; an
 * agent's principal may name its `department` (its tasks take that department's autonomy).
 */
export const TokensFile = z
  .array(TokenGrant)
  .min(1, 'the tokens file grants no token')
  .superRefine((grants, ctx) => {
    const seen = new Set<string>();
    const principals = new Map<string, string>();
    // Ids a person reads as one (case, look-alike letters, spaces, invisible characters) must be
    // spelt one way: the queue and the audit would show two principals as one.
    const spellings = new Map<string, string>();
    grants.forEach((grant, index) => {
      const key = identityKey(grant.principal.id);
      const spelt = spellings.get(key);
      if (spelt !== undefined && spelt !== grant.principal.id) {
        ctx.addIssue({
          code: 'custom',
          path: [index, 'principal', 'id'],
          message: `${visibleId(grant.principal.id)} reads as ${visibleId(spelt)} of an earlier token (case, look-alike letters, spaces or invisible characters differ): spell one principal one way, give different principals ids that read differently`,
        });
      }
      if (spelt === undefined) spellings.set(key, grant.principal.id);
      // One identity, one definition: tokens of the same principal (rotation) must agree on it. An id
      // that is an agent under one token and an approver under another could raise its own autonomy.
      const definition = JSON.stringify([[...grant.principal.roles].sort(), grant.principal.maxRisk ?? null, grant.principal.department ?? null]);
      const earlier = principals.get(grant.principal.id);
      if (earlier !== undefined && earlier !== definition) {
        ctx.addIssue({
          code: 'custom',
          path: [index, 'principal'],
          message: `principal "${grant.principal.id}" is defined differently by an earlier token: tokens of one principal must give it the same roles, maxRisk and department (give an agent and an approver different ids)`,
        });
      }
      principals.set(grant.principal.id, earlier ?? definition);
      if (seen.has(grant.token)) ctx.addIssue({ code: 'custom', path: [index, 'token'], message: 'this token appears twice' });
      seen.add(grant.token);
      // `system` is the engine's own name in the audit (sweeper, recovery): nobody may act as it.
      if (key === SYSTEM_ACTOR) ctx.addIssue({ code: 'custom', path: [index, 'principal', 'id'], message: `${visibleId(grant.principal.id)} is reserved for the engine` });
      if (grant.principal.id.trim() === '') ctx.addIssue({ code: 'custom', path: [index, 'principal', 'id'], message: 'an id needs a visible character' });
      // API.md: an admin decides up to critical. A lower ceiling on an admin is a contradiction, refused rather than guessed at.
      if (grant.principal.roles.includes('admin') && grant.principal.maxRisk !== undefined && grant.principal.maxRisk !== 'critical') {
        ctx.addIssue({
          code: 'custom',
          path: [index, 'principal', 'maxRisk'],
          message: `an admin decides up to critical (API.md): drop maxRisk "${grant.principal.maxRisk}", or grant the approver role instead of admin`,
        });
      }
    });
  });
export type TokensFile = z.infer<typeof TokensFile>;

/**
 * Validates a tokens document; the error names the offending entry (`1.principal.roles`).
 * @throws ValidationError
 * @example parseTokens([{ token: 'x'.repeat(32), principal: { id: 'alice', roles: ['approver'] } }])
 */
export function parseTokens(json: unknown): TokenGrant[] {
  return parseInput(TokensFile, json, 'tokens file');
}

/**
 * Reads and validates a tokens file.
 * @throws ValidationError (unreadable file, bad JSON, invalid grants)
 * @example const grants = loadTokensFile('./tokens.json');
 */
export function loadTokensFile(path: string): TokenGrant[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ValidationError(`cannot read tokens file ${path}: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // Where, never what: V8's message quotes the text around the mistake, and here that is tokens.
    throw new ValidationError(`tokens file ${path} is not valid JSON (${whereInJson(text)}); its content is not shown, it holds secrets`);
  }
  return parseTokens(json);
}

/** The line and column of a JSON syntax error, without quoting the text. */
function whereInJson(text: string): string {
  const offset = jsonErrorOffset(text);
  if (offset === null) return 'the syntax error is not located';
  const { line, column } = lineAndColumn(text, offset);
  return `line ${line}, column ${column}`;
}

/** An id quoted with every character outside printable ASCII as `\uXXXX`, so two spellings show their difference. */
function visibleId(id: string): string {
  return JSON.stringify(id).replace(/[^\x20-\x7e]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
