import { randomBytes } from 'node:crypto';
import type { Clock } from './clock.ts';

/** Makes unique ids that sort by creation time (UUIDv7). */
export interface IdGenerator {
  next(): string;
}

const POOL_SIZE = 4096;

/**
 * UUIDv7 ids from a clock: 48 bits of milliseconds, then a counter that keeps ids made in the
 * same millisecond increasing, then randomness. Ids from one generator sort strictly in the
 * order they were made, which the stores use for newest-first pages.
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
      const rand = pool.subarray(offset, offset + 8);
      offset += 8;
      const time = ms.toString(16).padStart(12, '0');
      const ver = (0x7000 | counter).toString(16);
      const variant = (0x8000 | (((rand[0] ?? 0) << 8) | (rand[1] ?? 0)) & 0x3fff).toString(16);
      const tail = Buffer.from(rand.subarray(2, 8)).toString('hex');
      return `${time.slice(0, 8)}-${time.slice(8)}-${ver}-${variant}-${tail}`;
    },
  };
}
