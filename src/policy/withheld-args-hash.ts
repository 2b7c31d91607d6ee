import { createHmac, randomBytes } from 'node:crypto';

/**
 * The `argsHash` of arguments that are withheld because they held a credential: HMAC-SHA-256
 * under a fresh random 32-byte key that is thrown away at once. The plain SHA-256 of the
 * arguments, readable by every token, would let anyone confirm a guessed low-entropy password
 * offline; this hash confirms nothing and cannot be recomputed — nothing needs to, since a task
 * whose arguments are withheld is denied and never runs. Two calls on the same text differ.
 * @example withheldArgsHash('{"password":"hunter2"}') // 64 hex digits, new each call
 */
export function withheldArgsHash(canonicalArgs: string): string {
  return createHmac('sha256', randomBytes(32)).update(canonicalArgs).digest('hex');
}
