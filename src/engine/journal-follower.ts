import { Subject } from 'rxjs';
import { hasCode } from '../errors.ts';
import type { LifecycleEvent } from '../model/lifecycle-event.ts';
import type { Store } from '../store/store.ts';
import type { Logger } from './logger.ts';
import { FailureStreak } from '../util/failure-streak.ts';

/** How many recently published ids are remembered to drop duplicates. */
const REMEMBERED = 100_000;

/**
 * The engine's event stream. This worker's events are published as they commit; on a store
 * several workers share, the events other workers commit are read from the journal when the
 * store signals an append (LISTEN/NOTIFY) or on `catchUp()`, so every worker's `events$`
 * carries every event once. Ids come from the one journal; the feeds downstream restore order.
 * @example const follower = new JournalFollower(store, logger); follower.events$.subscribe(send); follower.start();
 */
export class JournalFollower {
  readonly #subject = new Subject<LifecycleEvent>();
  readonly events$ = this.#subject.asObservable();
  readonly #store: Store;
  readonly #readFailures: FailureStreak;
  readonly #seen = new Set<number>();
  #after: number | null = null;
  #reading: Promise<void> | null = null;
  #again = false;
  #unwatch: (() => void) | null = null;
  #stopped = false;
  readonly #onOtherEntries: (() => void) | undefined;
  /** The journal head at the last call of `onOtherEntries`. */
  #otherEntriesAt = 0;

  /**
   * `onOtherEntries` is called when the journal holds entries that are no task's event (an
   * autonomy change by another worker): so that a level set there applies here at once, not at
   * the next sweep. It may be called spuriously (a task event appended meanwhile); it is cheap.
   */
  constructor(store: Store, logger: Logger, options: { onOtherEntries?: () => void } = {}) {
    this.#store = store;
    this.#readFailures = new FailureStreak(logger, 'reading other workers’ events (the next wake-up tries again)');
    this.#onOtherEntries = options.onOtherEntries;
  }

  /** Follows other workers' appends (shared stores only). */
  start(): void {
    if (!this.#store.shared || this.#unwatch) return;
    this.#unwatch = this.#store.watchJournal?.(() => void this.catchUp()) ?? null;
    void this.catchUp();
  }

  /** Publishes this worker's committed events. */
  publish(events: readonly LifecycleEvent[]): void {
    for (const event of events) {
      if (this.#store.shared) {
        if (!this.#remember(event.id)) continue;
      }
      this.#subject.next(event);
    }
  }

  /** Reads and publishes whatever other workers appended since the last read (coalesced). */
  catchUp(): Promise<void> {
    if (!this.#store.shared) return Promise.resolve();
    if (this.#reading) {
      this.#again = true;
      return this.#reading;
    }
    this.#reading = this.#read().finally(() => {
      this.#reading = null;
      if (this.#again) {
        this.#again = false;
        void this.catchUp();
      }
    });
    return this.#reading;
  }

  stop(): void {
    this.#stopped = true;
    this.#unwatch?.();
    this.#unwatch = null;
    this.#subject.complete();
  }

  async #read(): Promise<void> {
    try {
      // Events before this worker started are not replayed on events$ (SSE replays from the store).
      this.#after ??= await this.#store.lastEventId();
      for (;;) {
        const page = await this.#store.readEvents(this.#after, 500);
        for (const event of page) {
          this.#after = Math.max(this.#after, event.id);
          if (this.#remember(event.id)) this.#subject.next(event);
        }
        if (page.length < 500) break;
      }
      if (this.#onOtherEntries) {
        // Events skip entries without a task: the head past the last event read says some were appended.
        const head = await this.#store.lastEventId();
        if (head > this.#after && head > this.#otherEntriesAt) {
          this.#otherEntriesAt = head;
          this.#onOtherEntries();
        }
      }
    } catch (error) {
      // A store closed under a read (the engine shutting down, a server that could not listen)
      // has nothing more to follow: that is no failure to report.
      if (this.#stopped || hasCode(error, 'store_closed')) return;
      // An outage fails every wake-up: a few lines for all of it, not a stack each time.
      this.#readFailures.failed(error);
      return;
    }
    this.#readFailures.succeeded();
  }

  /** True the first time an id is seen. */
  #remember(id: number): boolean {
    if (this.#seen.has(id)) return false;
    this.#seen.add(id);
    if (this.#seen.size > REMEMBERED) {
      // Forget the half remembered first (a Set iterates in insertion order): the journal read
      // has long passed them, so no duplicate of theirs is still on its way. No sort, no copy.
      let forget = REMEMBERED / 2;
      for (const old of this.#seen) {
        if (forget-- === 0) break;
        this.#seen.delete(old);
      }
    }
    return true;
  }
}
