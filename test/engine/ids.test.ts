import { describe, expect, it } from 'vitest';
import { createIdGenerator } from '../../src/engine/ids.ts';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const clockAt = (ms: () => number) => ({ now: ms }) as never;
const msOf = (id: string) => Number.parseInt(id.replaceAll('-', '').slice(0, 12), 16);
const counterOf = (id: string) => Number.parseInt(id.slice(15, 18), 16);

describe('task and approval ids (UUIDv7)', () => {
  it('are UUIDv7: version 7, RFC variant, the clock\'s milliseconds in the first 48 bits', () => {
    for (const ms of [0, 1, 0xffffff, 0x1000000, 2 ** 40 + 12_345, Date.UTC(2026, 11, 7), 2 ** 48 - 1]) {
      const id = createIdGenerator(clockAt(() => ms)).next();
      expect(id).toMatch(UUID_V7);
      expect(msOf(id), `ms ${ms}`).toBe(ms);
    }
  });

  it('sort strictly in the order they were made within a millisecond, borrowing the next one after 4,096', () => {
    const at = Date.UTC(2026, 11, 7, 21, 30);
    const generate = createIdGenerator(clockAt(() => at));
    const ids = Array.from({ length: 5000 }, () => generate.next());
    expect(new Set(ids).size).toBe(5000);
    expect([...ids].sort()).toEqual(ids);
    expect(ids.slice(0, 4096).every((id, n) => msOf(id) === at && counterOf(id) === n)).toBe(true);
    expect([msOf(ids[4096] as string), counterOf(ids[4096] as string)]).toEqual([at + 1, 0]);
  });

  it('keep increasing when the clock goes back, and stay unique across refills of the random pool', () => {
    let ms = Date.UTC(2026, 11, 7);
    const generate = createIdGenerator(clockAt(() => ms));
    const ids: string[] = [];
    for (let n = 0; n < 3000; n += 1) {
      ms += n % 7 === 0 ? -5 : n % 3;
      ids.push(generate.next());
    }
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(3000);
    expect(new Set(ids.map((id) => id.slice(-12))).size).toBeGreaterThan(2990);
  });
});
