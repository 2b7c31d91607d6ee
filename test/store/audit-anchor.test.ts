import { describe, expect, it } from 'vitest';
import { formatAuditAnchor, parseAuditAnchors } from '../../src/model/audit-anchor.ts';

const hash = 'ab'.repeat(32);

describe('audit anchors as text (seq:hash)', () => {
  it('parses one, several (repeated or comma-separated), sorted by seq, and formats them back', () => {
    expect(parseAuditAnchors(`12:${hash}`)).toEqual([{ seq: 12, hash }]);
    expect(parseAuditAnchors([`30:${'c'.repeat(64)}`, ` 7:${hash.toUpperCase()} , 12:${hash}`])).toEqual([
      { seq: 7, hash },
      { seq: 12, hash },
      { seq: 30, hash: 'c'.repeat(64) },
    ]);
    expect(formatAuditAnchor({ seq: 12, hash })).toBe(`12:${hash}`);
    expect(parseAuditAnchors([`12:${hash}`, `12:${hash}`])).toEqual([{ seq: 12, hash }]);
  });

  it('refuses anything else with a validation error that says the form', () => {
    for (const bad of ['', '12', `0:${hash}`, `-1:${hash}`, `1.5:${hash}`, '12:abc', `12:${hash}0`, `x:${hash}`, `12:${'g'.repeat(64)}`, `99999999999999999:${hash}`]) {
      expect(() => parseAuditAnchors(bad), bad).toThrow(expect.objectContaining({ code: 'validation_failed', message: expect.stringMatching(/write seq:hash/) }));
    }
    expect(() => parseAuditAnchors(`5:${hash},5:${'c'.repeat(64)}`, '--anchor')).toThrow(/--anchor: seq 5 is anchored twice with different hashes/);
  });
});
