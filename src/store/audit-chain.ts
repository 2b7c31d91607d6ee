import type { AuditAnchor } from '../model/audit-anchor.ts';
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
 * must reach: the links alone cannot show a deleted or replaced tail. Anchors — entries' seq
 * and hash recorded outside the store — must be in the chain as recorded: each hash covers
 * everything before it, so that shows nothing up to the last anchor was rewritten, which
 * someone able to write the database and recompute every hash could otherwise do unseen.
 * @example const walk = new ChainWalk(head, anchors); for (const e of entries) { const broken = walk.add(e); if (broken) return broken; } return walk.end();
 */
export class ChainWalk {
  readonly #head: { seq: number; hash: string } | undefined;
  readonly #anchors: ReadonlyMap<number, string>;
  readonly #lastAnchor: number;
  #prev = GENESIS_HASH;
  #count = 0;

  constructor(head?: { seq: number; hash: string }, anchors: readonly AuditAnchor[] = []) {
    this.#head = head;
    this.#anchors = new Map(anchors.map((anchor) => [anchor.seq, anchor.hash]));
    this.#lastAnchor = Math.max(0, ...anchors.map((anchor) => anchor.seq));
  }

  /** Checks the next entry; the verdict when it breaks the chain, otherwise null. */
  add(entry: AuditEntry): AuditVerification | null {
    this.#count += 1;
    const { hash, prevHash, ...body } = entry;
    const anchored = this.#anchors.get(entry.seq);
    const reason =
      entry.seq !== this.#count
        ? `entry ${this.#count} is missing (the next one is seq ${entry.seq})`
        : prevHash !== this.#prev
          ? 'its link (prevHash) is not the hash of the entry before it'
          : auditHash(prevHash, body) !== hash
            ? 'its content does not match its hash: it was changed after it was written'
            : anchored !== undefined && hash !== anchored
              ? `its hash is not the one anchored for seq ${entry.seq} (${anchored}): the chain was rebuilt from this entry or an earlier one`
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
    if (this.#count < this.#lastAnchor) {
      return { ok: false, entries: this.#count, brokenAt: this.#count + 1, reason: `the chain ends at seq ${this.#count}, but an anchor names seq ${this.#lastAnchor}: its tail was deleted` };
    }
    const verdict: AuditVerification = { ok: true, entries: this.#count };
    if (this.#count > 0) verdict.head = { seq: this.#count, hash: this.#prev };
    if (this.#anchors.size > 0) verdict.anchors = this.#anchors.size;
    return verdict;
  }
}

/**
 * Walks entries in seq order and reports the first whose link or hash is wrong, a chain that
 * stops short of `head` or passes it with another hash, or one without an anchor's hash.
 * @example verifyChain(entries) // { ok: true, entries: 3, head: { seq: 3, hash: '…' } }
 */
export function verifyChain(entries: Iterable<AuditEntry>, head?: { seq: number; hash: string }, anchors: readonly AuditAnchor[] = []): AuditVerification {
  const walk = new ChainWalk(head, anchors);
  for (const entry of entries) {
    const broken = walk.add(entry);
    if (broken) return broken;
  }
  return walk.end();
}
