import { randomBytes } from 'node:crypto';
import type { Clock } from './clock.ts';

/** Makes unique ids that sort by creation time (UUIDv7). */
export interface IdGenerator {
  next(): string;
}

const POOL_SIZE = 4096;

/** Two hex digits for each byte value. */
const HEX: readonly string[] = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

/**
 * UUIDv7 ids from a clock: 48 bits of milliseconds, then a counter that keeps ids made in the
 * same millisecond increasing, then randomness. Ids from one generator sort strictly in the
 * order they were made, which the stores use for newest-first pages. Written out byte by byte
 * from a table, straight from a pool of random bytes (two ids per task: ~1 µs each with
 * `toString(16)`, slices and a Buffer per id; ~0.2 µs this way).
 * @example createIdGenerator(systemClock).next() // '019a…-7…'
 */
export function createIdGenerator(clock: Clock): IdGenerator {
  let lastMs = -1;
  let counter = 0;
  let pool = randomBytes(POOL_SIZE);
  let offset = 0;
  return {
    next(): string {
      let ms = clock.now();
      if (ms <= lastMs) {
        ms = lastMs;
        counter += 1;
        if (counter > 0xfff) {
          // 4096 ids in one millisecond: borrow the next millisecond so order holds.
          ms = lastMs + 1;
          counter = 0;
        }
      } else {
        counter = 0;
      }
      lastMs = ms;
      if (offset + 8 > POOL_SIZE) {
        pool = randomBytes(POOL_SIZE);
        offset = 0;
      }
      const r = pool;
      const o = offset;
      offset += 8;
      // 48 bits of milliseconds as two 24-bit halves (bit operators work on 32 bits).
      const high = Math.floor(ms / 0x1000000);
      const low = ms % 0x1000000;
      const ver = 0x7000 | counter;
      const variant = 0x80 | ((r[o] as number) & 0x3f);
      return (
        `${HEX[(high >>> 16) & 0xff]}${HEX[(high >>> 8) & 0xff]}${HEX[high & 0xff]}${HEX[low >>> 16]}-${HEX[(low >>> 8) & 0xff]}${HEX[low & 0xff]}` +
        `-${HEX[ver >>> 8]}${HEX[ver & 0xff]}-${HEX[variant]}${HEX[r[o + 1] as number]}` +
        `-${HEX[r[o + 2] as number]}${HEX[r[o + 3] as number]}${HEX[r[o + 4] as number]}${HEX[r[o + 5] as number]}${HEX[r[o + 6] as number]}${HEX[r[o + 7] as number]}`
      );
    },
  };
}
