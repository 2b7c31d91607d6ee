/**
 * A string-keyed map for long-lived registries whose entries come and go all the time (the
 * tasks in flight, their locks, the writer thread's outstanding requests), backed by a
 * dictionary-mode object instead of a `Map`.
 *
 * Why not a `Map`: V8's `Map` and `Set` keep their entries in a table that is replaced
 * whenever deletions pile up, and the replaced table keeps its entries *and* a pointer to its
 * successor (so that live iterators can follow). Under churn this makes a chain of dead tables
 * through every entry since the last full collection. Once a table at the chain's start sits
 * in the old generation — after every mark-compact, the live one does — each young collection
 * finds the whole chain reachable from it: every entry ever stored (here: whole task graphs)
 * survives and is promoted, to die only at the next full GC. Measured in the SQLite resume
 * benchmark: ~3.3 MB promoted per scavenge, 6–9 ms scavenges instead of ~1 ms, and ~35 µs of
 * GC-helper CPU per resume. A dictionary object's table, when rehashed, keeps no link to its
 * successor, so nothing old keeps the new entries alive.
 *
 * `Object.create(null)` gives V8 a dictionary-mode object from the start (no hidden class per
 * key) with no prototype (any string, `__proto__` included, is an own key).
 * @example
 * const runs = new ChurnMap<TaskRun>();
 * runs.set(run.taskId, run); runs.get(run.taskId); runs.delete(run.taskId);
 */
export class ChurnMap<V> {
  #slots: Record<string, V> = Object.create(null) as Record<string, V>;
  #size = 0;

  /** How many keys are present. */
  get size(): number {
    return this.#size;
  }

  get(key: string): V | undefined {
    return this.#slots[key];
  }

  has(key: string): boolean {
    return key in this.#slots;
  }

  set(key: string, value: V): this {
    if (!(key in this.#slots)) this.#size += 1;
    this.#slots[key] = value;
    return this;
  }

  /** Removes the key; true if it was present. */
  delete(key: string): boolean {
    if (!(key in this.#slots)) return false;
    delete this.#slots[key];
    this.#size -= 1;
    return true;
  }

  /** The values, in the order their keys were first set (keys that read as array indices first, ascending). */
  values(): V[] {
    const values: V[] = [];
    for (const key in this.#slots) values.push(this.#slots[key] as V);
    return values;
  }

  /** The keys, in the same order as `values()`. */
  keys(): string[] {
    return Object.keys(this.#slots);
  }

  clear(): void {
    this.#slots = Object.create(null) as Record<string, V>;
    this.#size = 0;
  }
}
