import type { AuditEntry, AuditVerification } from '../model/lifecycle-event.ts';
import { canonicalJson, sha256Hex } from '../util/canonical-json.ts';

/** The `prevHash` of the first audit entry. */
export const GENESIS_HASH = '0'.repeat(64);

/** The fields of an audit entry that its hash covers. */
export type AuditBody = Omit<AuditEntry, 'hash' | 'prevHash'>;

/**
 * The hash of an audit entry: SHA-256 over the previous hash and the canonical JSON of the body.
 * Every store computes it the same way, so `verifyAudit` can be checked across backends.
 * @example const hash = auditHash(GENESIS_HASH, { seq: 1, at, actor, action, taskId, approvalId, data: {} });
 */
export function auditHash(prevHash: string, body: AuditBody): string {
  // Fixed field order, each field JSON-encoded (so no separator can be forged), data canonical.
  return sha256Hex(
    `${prevHash}\n${body.seq}\n${JSON.stringify(body.at)}\n${JSON.stringify(body.actor)}\n${JSON.stringify(body.action)}\n${JSON.stringify(
      body.taskId,
    )}\n${JSON.stringify(body.approvalId)}\n${canonicalJson(body.data)}`,
  );
}

/**
 * Checks a chain one entry at a time, in seq order — for a store that reads it page by page —
 * against an optional head kept apart from the chain (its last seq and hash), which the chain
 * must reach: the links alone cannot show a deleted or replaced tail.
 * @example const walk = new ChainWalk(head); for (const e of entries) { const broken = walk.add(e); if (broken) return broken; } return walk.end();
 */
export class ChainWalk {
  readonly #head: { seq: number; hash: string } | undefined;
  #prev = GENESIS_HASH;
  #count = 0;

  constructor(head?: { seq: number; hash: string }) {
    this.#head = head;
  }

  /** Checks the next entry; the verdict when it breaks the chain, otherwise null. */
  add(entry: AuditEntry): AuditVerification | null {
    this.#count += 1;
    const { hash, prevHash, ...body } = entry;
    const reason =
      entry.seq !== this.#count
        ? `entry ${this.#count} is missing (the next one is seq ${entry.seq})`
        : prevHash !== this.#prev
          ? 'its link (prevHash) is not the hash of the entry before it'
          : auditHash(prevHash, body) !== hash
            ? 'its content does not match its hash: it was changed after it was written'
            : entry.seq === this.#head?.seq && hash !== this.#head.hash
              ? 'it is not the last entry the store recorded (the journal head): the tail was replaced'
              : null;
    if (reason !== null) return { ok: false, entries: this.#count, brokenAt: entry.seq, reason };
    this.#prev = hash;
    return null;
  }

  /** The verdict once every entry was added. */
  end(): AuditVerification {
    if (this.#head && this.#count < this.#head.seq) {
      return { ok: false, entries: this.#count, brokenAt: this.#count + 1, reason: `the chain ends at seq ${this.#count}, but the store recorded entries up to ${this.#head.seq}: its tail was deleted` };
    }
    return { ok: true, entries: this.#count };
  }
}

/**
 * Walks entries in seq order and reports the first whose link or hash is wrong, or a chain
 * that stops short of `head` or passes it with another hash.
 * @example verifyChain(entries) // { ok: true, entries: 3 }
 */
export function verifyChain(entries: Iterable<AuditEntry>, head?: { seq: number; hash: string }): AuditVerification {
  const walk = new ChainWalk(head);
  for (const entry of entries) {
    const broken = walk.add(entry);
    if (broken) return broken;
  }
  return walk.end();
}
