import type { AuditEntry } from '../model/lifecycle-event.ts';
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
 * Walks entries in seq order and reports the first whose link or hash is wrong.
 * @example verifyChain(entries) // { ok: true, entries: 3 }
 */
export function verifyChain(entries: Iterable<AuditEntry>, head?: { seq: number; hash: string }): { ok: boolean; entries: number; brokenAt?: number } {
  let prev = GENESIS_HASH;
  let count = 0;
  let expectedSeq = 1;
  for (const entry of entries) {
    count += 1;
    const { hash, prevHash, ...body } = entry;
    if (entry.seq !== expectedSeq || prevHash !== prev || auditHash(prevHash, body) !== hash) {
      return { ok: false, entries: count, brokenAt: entry.seq };
    }
    // A head kept apart from the chain: the chain must reach it, with its hash.
    if (head && entry.seq === head.seq && hash !== head.hash) return { ok: false, entries: count, brokenAt: entry.seq };
    prev = hash;
    expectedSeq += 1;
  }
  if (head && count < head.seq) return { ok: false, entries: count, brokenAt: count + 1 };
  return { ok: true, entries: count };
}
