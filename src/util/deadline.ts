/**
 * `promise`, or a rejection with what `late()` gives if it has not settled within `ms` (real
 * time). The timer is cleared as soon as either happens; what the promise does later is ignored.
 * @example await withinTime(store.read(), 2_000, () => new StoreUnavailableError('no answer within 2000 ms'))
 */
export function withinTime<T>(promise: Promise<T>, ms: number, late: () => unknown): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(late()), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
