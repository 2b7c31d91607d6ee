import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../src/model/lifecycle-event.ts';
import { GENESIS_HASH, auditHash, verifyChain } from '../../src/store/audit-chain.ts';

/** A correct chain of n entries. */
function chain(n: number): AuditEntry[] {
  const entries: AuditEntry[] = [];
  let prevHash = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq += 1) {
    const body = { seq, at: `2030-01-01T00:00:0${seq}.000Z`, actor: 'system', action: 'task.proposed', taskId: `t-${seq}`, approvalId: null, data: { n: seq } };
    const hash = auditHash(prevHash, body);
    entries.push({ ...body, prevHash, hash });
    prevHash = hash;
  }
  return entries;
}

describe('verifyChain says where the chain breaks and why', () => {
  it('a missing entry, a broken link, an edited entry, a deleted or replaced tail', () => {
    const whole = chain(5);
    expect(verifyChain(whole, { seq: 5, hash: (whole[4] as AuditEntry).hash })).toEqual({ ok: true, entries: 5, head: { seq: 5, hash: (whole[4] as AuditEntry).hash } });
    expect(verifyChain([...whole.slice(0, 2), ...whole.slice(3)])).toMatchObject({ ok: false, brokenAt: 4, reason: 'entry 3 is missing (the next one is seq 4)' });
    const edited = whole.map((entry) => (entry.seq === 2 ? { ...entry, data: { n: 99 } } : entry));
    expect(verifyChain(edited)).toMatchObject({ brokenAt: 2, reason: 'its content does not match its hash: it was changed after it was written' });
    const relinked = whole.map((entry) => (entry.seq === 3 ? { ...entry, prevHash: GENESIS_HASH } : entry));
    expect(verifyChain(relinked)).toMatchObject({ brokenAt: 3, reason: 'its link (prevHash) is not the hash of the entry before it' });
    expect(verifyChain(whole.slice(0, 4), { seq: 5, hash: (whole[4] as AuditEntry).hash })).toMatchObject({ brokenAt: 5, reason: expect.stringMatching(/tail was deleted/) });
    expect(verifyChain(whole, { seq: 5, hash: 'f'.repeat(64) })).toMatchObject({ brokenAt: 5, reason: expect.stringMatching(/tail was replaced/) });
  });

  it('a chain rebuilt from an entry on verifies by its links alone, but not against an anchor recorded before', () => {
    const whole = chain(5);
    const anchored = { seq: 4, hash: (whole[3] as AuditEntry).hash };
    // Someone who can write the store edits entry 2 and recomputes every hash after it.
    const rebuilt: AuditEntry[] = [];
    let prevHash = GENESIS_HASH;
    for (const { hash: _hash, prevHash: _prev, ...body } of whole) {
      const edited = body.seq === 2 ? { ...body, actor: 'mallory' } : body;
      const hash = auditHash(prevHash, edited);
      rebuilt.push({ ...edited, prevHash, hash });
      prevHash = hash;
    }
    expect(verifyChain(rebuilt)).toMatchObject({ ok: true, entries: 5 });
    expect(verifyChain(rebuilt, undefined, [anchored])).toMatchObject({ ok: false, brokenAt: 4, reason: expect.stringMatching(/rebuilt from this entry or an earlier one/) });
    expect(verifyChain(whole, undefined, [anchored])).toEqual({ ok: true, entries: 5, head: { seq: 5, hash: (whole[4] as AuditEntry).hash }, anchors: 1 });
  });
});
