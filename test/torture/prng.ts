/**
 * A small seeded PRNG (mulberry32): the torture run is reproducible from its seed, apart from
 * the timing of kills and of the operating system.
 * @example const random = seededRandom(42); random.int(10); random.pick(['a', 'b']);
 */
export function seededRandom(seed: number) {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  return {
    /** In [0, 1). */
    next,
    /** An integer in [0, n). */
    int: (n: number): number => Math.floor(next() * n),
    /** A number in [min, max). */
    between: (min: number, max: number): number => min + next() * (max - min),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T,
  };
}

/** What `seededRandom` returns. */
export type Random = ReturnType<typeof seededRandom>;
