import type { Observable, Subscription } from 'rxjs';
import type { LifecycleEvent } from '../model/lifecycle-event.ts';
import type { Store } from '../store/store.ts';

/** Where a feed starts: after this journal id (0: from the beginning), or at the newest event (`now`). */
export type FeedStart = number | 'now';

/**
 * The lifecycle events after a given journal id, in id order, with no gap and no duplicate:
 * first what the store holds (the replay), then what the engine publishes (live). Live
 * events are buffered from the moment the feed opens, so nothing committed during the replay
 * is lost, and every event at or below the last id sent is dropped, so nothing is sent twice.
 * When a live event does not follow the last id sent (ids the journal gave to audit-only
 * entries, or events of another writer), the store is read again up to it: the store, not
 * the stream, is the source of truth. For the same reason a client that stops reading costs
 * bounded memory: past `maxBuffered` live events the buffer is dropped and the feed goes
 * back to reading the store from its cursor when the client reads again.
 *
 * @example
 * const feed = await EventFeed.open(engine.store, engine.events$, lastEventId);
 * for (let batch = await feed.next(15_000); batch; batch = await feed.next(15_000)) send(batch);
 */
export class EventFeed {
  readonly #store: Store;
  readonly #pageSize: number;
  readonly #maxBuffered: number;
  #cursor = 0;
  #buffer: LifecycleEvent[] = [];
  #subscription: Subscription | null = null;
  #replaying = true;
  #ended = false;
  #closed = false;
  #wake: (() => void) | null = null;

  private constructor(store: Store, pageSize: number, maxBuffered: number) {
    this.#store = store;
    this.#pageSize = pageSize;
    this.#maxBuffered = maxBuffered;
  }

  /** Subscribes to live events first, then fixes the starting id (so nothing falls between). */
  static async open(
    store: Store,
    events$: Observable<LifecycleEvent>,
    start: FeedStart,
    options: { pageSize?: number; maxBuffered?: number } = {},
  ): Promise<EventFeed> {
    const feed = new EventFeed(store, options.pageSize ?? 500, options.maxBuffered ?? 10_000);
    feed.#subscription = events$.subscribe({
      next: (event) => {
        if (feed.#buffer.length >= feed.#maxBuffered) {
          // The client is not keeping up: forget the buffer, the store has it all.
          feed.#buffer = [];
          feed.#replaying = true;
        }
        feed.#buffer.push(event);
        feed.#notify();
      },
      complete: () => {
        feed.#ended = true;
        feed.#notify();
      },
    });
    try {
      // An id beyond the journal's last (a client of a store since replaced) starts from now:
      // waiting for ids above it would deliver nothing for as long as the journal is shorter.
      const last = await store.lastEventId();
      feed.#cursor = start === 'now' ? last : Math.min(start, last);
    } catch (error) {
      feed.close();
      throw error;
    }
    return feed;
  }

  /** The id of the last event handed out. */
  get cursor(): number {
    return this.#cursor;
  }

  /**
   * The next events, in id order: a non-empty batch; `[]` when `waitMs` passed with nothing
   * new (time for a heartbeat); `null` once the feed is closed or the engine's stream ended.
   */
  async next(waitMs: number): Promise<LifecycleEvent[] | null> {
    for (;;) {
      if (this.#closed) return null;
      let storeCaughtUp = false;
      if (this.#replaying) {
        const page = await this.#store.readEvents(this.#cursor, this.#pageSize);
        if (this.#closed) return null;
        const fresh = page.filter((event) => event.id > this.#cursor);
        if (fresh.length > 0) {
          this.#cursor = fresh.at(-1)!.id;
          return fresh;
        }
        this.#replaying = false;
        storeCaughtUp = true;
      }
      // Right after the store had nothing more, a hole before a live event is a real hole in
      // the journal (ids without events): step over it instead of reading the store again.
      const live = this.#takeLive(storeCaughtUp);
      if (live === 'gap') {
        this.#replaying = true;
        continue;
      }
      if (live.length > 0) return live;
      if (this.#ended) return null;
      if (!(await this.#sleep(waitMs))) return [];
    }
  }

  /** Stops listening; a pending `next` answers `null`. Idempotent. */
  close(): void {
    this.#closed = true;
    this.#subscription?.unsubscribe();
    this.#subscription = null;
    this.#buffer = [];
    this.#notify();
  }

  /**
   * Buffered events that follow the cursor without a hole; `gap` when the first one does not
   * (unless `acceptHole`: then the run starting at the first one).
   */
  #takeLive(acceptHole: boolean): LifecycleEvent[] | 'gap' {
    const pending = this.#buffer.filter((event) => event.id > this.#cursor).sort((a, b) => a.id - b.id);
    this.#buffer = [];
    if (pending.length === 0) return [];
    if (pending[0]!.id !== this.#cursor + 1 && !acceptHole) {
      this.#buffer = pending;
      return 'gap';
    }
    const taken: LifecycleEvent[] = [];
    for (const event of pending) {
      if (event.id <= this.#cursor) continue;
      if (taken.length > 0 && event.id !== this.#cursor + 1) break;
      taken.push(event);
      this.#cursor = event.id;
    }
    this.#buffer = pending.filter((event) => event.id > this.#cursor);
    return taken;
  }

  /** Resolves true when woken by an event (or close), false after `ms`. */
  #sleep(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#wake = null;
        resolve(false);
      }, ms);
      this.#wake = () => {
        clearTimeout(timer);
        this.#wake = null;
        resolve(true);
      };
    });
  }

  #notify(): void {
    this.#wake?.();
  }
}
