import type { Store } from '../../src/store/store.ts';

/**
 * Wraps a store so a test can take its database away and bring it back: while `failWith(error)`
 * is in force, every call (reads and writes, `close` excepted) rejects with that error, as a
 * PostgreSQL pool does when its server is down; after `hang()` no call answers at all.
 * @example const outage = new StoreOutage(createMemoryStore()); outage.failWith(refused()); … outage.restore();
 */
export class StoreOutage {
  readonly store: Store;
  #error: unknown = null;
  #hanging = false;

  constructor(inner: Store) {
    this.store = new Proxy(inner, {
      get: (target, property) => {
        const value: unknown = Reflect.get(target, property, target);
        if (typeof value !== 'function' || property === 'close') return typeof value === 'function' ? value.bind(target) : value;
        return (...args: unknown[]) => {
          if (this.#hanging) return new Promise(() => undefined);
          return this.#error === null ? value.apply(target, args) : Promise.reject(this.#error);
        };
      },
    });
  }

  /** From now on every call fails with `error`. */
  failWith(error: unknown): void {
    this.#error = error;
  }

  /** From now on no call answers (a database behind a network that drops packets). */
  hang(): void {
    this.#hanging = true;
  }

  /** The database is back. */
  restore(): void {
    this.#error = null;
    this.#hanging = false;
  }
}

/** What pg rejects with when nothing listens on the database's port. */
export function connectionRefused(port = 5432): Error {
  return Object.assign(new Error(`connect ECONNREFUSED 127.0.0.1:${port}`), { code: 'ECONNREFUSED', errno: -111, syscall: 'connect', address: '127.0.0.1', port });
}
