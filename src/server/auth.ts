import { createHash, timingSafeEqual } from 'node:crypto';
import { GateError } from '../errors.ts';
import type { Principal, Role } from '../model/principal.ts';
import type { TokenGrant } from './tokens-file.ts';

/** Who may call a route: nobody needs a token (`public`), any valid token (`any`), or one of these roles. */
export type Access = 'public' | 'any' | readonly Role[];

/**
 * Bearer tokens, kept only as SHA-256 digests and compared in constant time: every lookup
 * hashes the presented token and compares it with every digest (`timingSafeEqual` on equal
 * lengths), without stopping at a match, so the time taken says nothing about which token
 * (or how much of one) was right.
 *
 * @example
 * const tokens = new TokenTable(loadTokensFile('tokens.json'));
 * const principal = tokens.authenticate(request.headers.get('authorization'));
 */
export class TokenTable {
  readonly #entries: { digest: Buffer; principal: Principal }[];

  constructor(grants: readonly TokenGrant[]) {
    this.#entries = grants.map((grant) => ({ digest: digest(grant.token), principal: structuredClone(grant.principal) }));
  }

  /**
   * The department a token names for a principal id (an agent's tasks are that department's),
   * or undefined when none of its tokens names one.
   * @example tokens.departmentOf('eng-bot') // 'engineering'
   */
  departmentOf(principalId: string): string | undefined {
    return this.#entries.find((entry) => entry.principal.id === principalId && entry.principal.department !== undefined)?.principal.department;
  }

  /** How many tokens the table holds. */
  get size(): number {
    return this.#entries.length;
  }

  /**
   * The principal of an `Authorization: Bearer <token>` header.
   * @throws GateError `unauthorized` when the header is missing, malformed or the token unknown
   */
  authenticate(header: string | null | undefined): Principal {
    const match = /^Bearer[ ]+([\x21-\x7e]{1,512})[ ]*$/i.exec(header ?? '');
    if (!match?.[1]) throw new GateError('unauthorized', 'missing or malformed bearer token (Authorization: Bearer <token>)');
    const presented = digest(match[1]);
    let found: Principal | undefined;
    for (const entry of this.#entries) {
      if (timingSafeEqual(entry.digest, presented) && found === undefined) found = entry.principal;
    }
    if (!found) throw new GateError('unauthorized', 'unknown bearer token');
    return found;
  }
}

/**
 * Whether a principal may call a route of this access.
 * @example mayAccess({ id: 'bob', roles: ['observer'] }, ['approver', 'admin']) // false
 */
export function mayAccess(principal: Principal, access: Access): boolean {
  if (access === 'public' || access === 'any') return true;
  return principal.roles.some((role) => access.includes(role));
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}
