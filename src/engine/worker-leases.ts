import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Store } from '../store/store.ts';
import type { TaskLease } from '../store/task-record.ts';
import { FailureStreak } from '../util/failure-streak.ts';
import { type Clock, isoNow } from './clock.ts';
import type { Logger } from './logger.ts';

/** How long a worker's lease on a task lasts without a heartbeat, by default. */
export const DEFAULT_LEASE_MS = 30_000;

/**
 * A worker's id: on a store only one process uses (memory, SQLite) every restart is the same
 * worker, so it takes its own leases back at once; on a shared store (PostgreSQL) each process
 * is its own worker.
 * @example defaultWorkerId(store) // 'local', or 'db-1:4242:9f0c2a'
 */
export function defaultWorkerId(store: Store): string {
  return store.shared ? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}` : 'local';
}

/**
 * This worker's leases: the lease it takes with each execution intent and each claim, and the
 * heartbeat that keeps the leases of the tasks it is running from expiring. A worker that dies
 * stops beating; once its leases expire, another worker's recovery claims its tasks.
 * @example
 * const leases = new WorkerLeases(store, clock, logger, { workerId, leaseMs }, () => runningTaskIds());
 * leases.start(); … await leases.claim(['task-1']); … leases.stop();
 */
export class WorkerLeases {
  readonly workerId: string;
  readonly leaseMs: number;
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #held: () => string[];
  readonly #beats: FailureStreak;
  #timer: NodeJS.Timeout | undefined;

  constructor(store: Store, clock: Clock, logger: Logger, options: { workerId: string; leaseMs: number }, held: () => string[]) {
    if (!(Number.isInteger(options.leaseMs) && options.leaseMs >= 1_000)) throw new RangeError('leaseMs must be an integer ≥ 1000');
    if (!options.workerId) throw new RangeError('workerId must not be empty');
    this.#store = store;
    this.#clock = clock;
    this.#logger = logger;
    this.workerId = options.workerId;
    this.leaseMs = options.leaseMs;
    this.#held = held;
    this.#beats = new FailureStreak(logger, 'lease heartbeat', () => clock.now());
  }

  /**
   * Whether leases are kept at all: only on a store several processes share. On one a single
   * process uses, that process is the only worker, so a lease would be two writes per
   * execution for nothing.
   */
  get enabled(): boolean {
    return this.#store.shared;
  }

  /** A lease for this worker, from now; null when leases are not kept. */
  lease(): TaskLease | null {
    if (!this.enabled) return null;
    return { owner: this.workerId, expiresAt: new Date(this.#clock.now() + this.leaseMs).toISOString() };
  }

  /** Now, in the form lease expiries are stored (ISO time on the engine's clock). */
  now(): string {
    return isoNow(this.#clock);
  }

  /** Claims the tasks nobody else holds; returns the ids this worker now holds (all of them when leases are not kept). */
  async claim(taskIds: readonly string[]): Promise<Set<string>> {
    if (!this.enabled) return new Set(taskIds);
    if (taskIds.length === 0) return new Set();
    return new Set(await this.#store.claimTasks(taskIds, this.lease() as TaskLease, isoNow(this.#clock)));
  }

  /** The heartbeat's period: a third of the lease, so two beats may be lost. */
  get beatMs(): number {
    return Math.max(250, Math.floor(this.leaseMs / 3));
  }

  /** Starts the heartbeat. */
  start(): void {
    if (this.#timer || !this.enabled) return;
    this.#timer = setInterval(() => void this.beat(), this.beatMs);
    this.#timer.unref?.();
  }

  /**
   * A lease taken with a commit is now in the store. It runs from when the commit was handed to
   * the store, so it has lost the commit's wait; the heartbeat renews it with the others. Only
   * when that wait was long (over a tenth of a beat: the lease would then survive noticeably
   * fewer lost beats) is it renewed at once: one statement per task otherwise, for nothing.
   */
  landed(taskId: string, lease: TaskLease): void {
    const lost = this.leaseMs - (Date.parse(lease.expiresAt) - this.#clock.now());
    if (lost > this.beatMs / 10) void this.beat([taskId]);
  }

  /** Renews the leases of the tasks this worker is running now (or of `only` these). */
  async beat(only?: readonly string[]): Promise<void> {
    const ids = only ? [...only] : this.#held();
    const lease = this.lease();
    if (ids.length === 0 || !lease) return;
    try {
      const renewed = await this.#store.renewLeases(ids, lease);
      if (renewed.length < ids.length) {
        this.#logger.warn({ lost: ids.filter((id) => !renewed.includes(id)) }, 'leases of running tasks were taken over by another worker');
      }
      this.#beats.succeeded();
    } catch (error) {
      // The store away: said once (no stack), then at most once a minute, as the sweeper does —
      // not a stack trace at every beat (a third of a lease) for as long as the outage lasts.
      this.#beats.failed(error);
    }
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
