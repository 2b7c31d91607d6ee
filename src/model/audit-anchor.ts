import { z } from 'zod';
import { ValidationError } from '../errors.ts';

/**
 * An audit entry's `seq` and `hash` as recorded outside the store (a ticket, a log shipper, a
 * signed message). Each hash covers every entry before it, so a chain that still holds the
 * anchored hash at that seq was not rewritten up to there — which a database writer able to
 * recompute the whole chain could otherwise do unseen.
 */
export const AuditAnchor = z.strictObject({
  seq: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  hash: z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 hash: 64 lowercase hex digits'),
});
export type AuditAnchor = z.infer<typeof AuditAnchor>;

const ANCHOR_TEXT = /^(\d{1,16}):([0-9a-f]{64})$/;

/** `seq:hash`, the form `audit verify` prints and takes back. */
export function formatAuditAnchor(anchor: AuditAnchor): string {
  return `${anchor.seq}:${anchor.hash}`;
}

/**
 * Parses anchors written `seq:hash`, several separated by commas (or given as a list).
 * @throws ValidationError naming the first that is not `seq:hash`, or two that name one seq with different hashes
 * @example parseAuditAnchors('1200:9f86d0…') // [{ seq: 1200, hash: '9f86d0…' }]
 */
export function parseAuditAnchors(input: string | readonly string[], path = 'anchor'): AuditAnchor[] {
  const texts = (typeof input === 'string' ? [input] : input).flatMap((text) => text.split(',')).map((text) => text.trim());
  const anchors = new Map<number, AuditAnchor>();
  for (const text of texts) {
    const match = ANCHOR_TEXT.exec(text.toLowerCase());
    const anchor = match ? AuditAnchor.safeParse({ seq: Number(match[1]), hash: match[2] }) : null;
    if (!anchor?.success) {
      const message = `${JSON.stringify(text)} is not an anchor: write seq:hash, an entry's seq (a positive integer) and its 64-hex-digit hash, as audit verify prints them`;
      throw new ValidationError(`${path}: ${message}`, [{ path, message }]);
    }
    const earlier = anchors.get(anchor.data.seq);
    if (earlier && earlier.hash !== anchor.data.hash) {
      const message = `seq ${anchor.data.seq} is anchored twice with different hashes`;
      throw new ValidationError(`${path}: ${message}`, [{ path, message }]);
    }
    anchors.set(anchor.data.seq, anchor.data);
  }
  return [...anchors.values()].sort((a, b) => a.seq - b.seq);
}
