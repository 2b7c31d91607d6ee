/** A promise with its resolve/reject exposed. Rejections are pre-handled: nobody has to await it. */
export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
  readonly settled: boolean;
}

/**
 * Creates a deferred promise.
 * @example const done = deferred<void>(); setTimeout(() => done.resolve()); await done.promise;
 */
export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => undefined);
  const result = {
    promise,
    settled: false,
    resolve(value: T) {
      if (result.settled) return;
      result.settled = true;
      resolve(value);
    },
    reject(error: unknown) {
      if (result.settled) return;
      result.settled = true;
      reject(error);
    },
  };
  return result;
}
