import { Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { LifecycleEvent } from '../../src/model/lifecycle-event.ts';
import { EventFeed } from '../../src/server/event-feed.ts';
import type { Store } from '../../src/store/store.ts';

/** A journal whose reads the test controls: `committed` events, some ids left without events. */
function journal() {
  const committed: LifecycleEvent[] = [];
  let reads = 0;
  const store = {
    async readEvents(afterId: number, limit: number) {
      reads += 1;
      return committed.filter((event) => event.id > afterId).slice(0, limit);
    },
    async lastEventId() {
      return committed.at(-1)?.id ?? 0;
    },
  } as unknown as Store;
  const event = (id: number): LifecycleEvent => ({ id, type: 'task.proposed', at: '2026-01-01T00:00:00.000Z', taskId: `t-${id}`, actor: 'a' });
  return { store, committed, event, reads: () => reads };
}

describe('EventFeed', () => {
  it('replays the store in pages, then hands over to live events without duplicates', async () => {
    const j = journal();
    const live = new Subject<LifecycleEvent>();
    for (let id = 1; id <= 5; id += 1) j.committed.push(j.event(id));
    const feed = await EventFeed.open(j.store, live, 1, { pageSize: 2 });
    // Events 6 and 7 commit and are published while the replay is still on its first page.
    for (const id of [6, 7]) {
      j.committed.push(j.event(id));
      live.next(j.event(id));
    }
    const seen: number[] = [];
    while (seen.length < 6) seen.push(...((await feed.next(50)) ?? []).map((e) => e.id));
    expect(seen).toEqual([2, 3, 4, 5, 6, 7]);
    expect(await feed.next(20)).toEqual([]);
    live.next(j.event(7)); // a duplicate
    expect(await feed.next(20)).toEqual([]);
    feed.close();
    expect(await feed.next(20)).toBeNull();
  });

  it('starts from now for a Last-Event-ID beyond the journal, so the next events still arrive', async () => {
    const j = journal();
    const live = new Subject<LifecycleEvent>();
    for (let id = 1; id <= 3; id += 1) j.committed.push(j.event(id));
    const feed = await EventFeed.open(j.store, live, 999_999);
    expect(feed.cursor).toBe(3);
    j.committed.push(j.event(4));
    live.next(j.event(4));
    expect(((await feed.next(50)) ?? []).map((e) => e.id)).toEqual([4]);
    feed.close();
  });

  it('puts out-of-order live events back in order, reading the store to fill a hole', async () => {
    const j = journal();
    const live = new Subject<LifecycleEvent>();
    const feed = await EventFeed.open(j.store, live, 'now');
    expect(await feed.next(10)).toEqual([]);
    j.committed.push(j.event(1), j.event(2), j.event(3));
    live.next(j.event(3));
    live.next(j.event(1));
    const first = await feed.next(10);
    expect(first?.map((e) => e.id)).toEqual([1]);
    const rest = await feed.next(10);
    expect(rest?.map((e) => e.id)).toEqual([2, 3]); // 2 came from the store, 3 was not sent twice
    live.next(j.event(2));
    expect(await feed.next(10)).toEqual([]);
    feed.close();
  });

  it('steps over ids the journal gave to entries without an event', async () => {
    const j = journal();
    const live = new Subject<LifecycleEvent>();
    const feed = await EventFeed.open(j.store, live, 'now');
    j.committed.push(j.event(2)); // id 1 is an audit-only entry
    live.next(j.event(2));
    expect((await feed.next(10))?.map((e) => e.id)).toEqual([2]);
    j.committed.push(j.event(4));
    live.next(j.event(4));
    expect((await feed.next(10))?.map((e) => e.id)).toEqual([4]);
    expect(feed.cursor).toBe(4);
    feed.close();
  });

  it('ends when the engine completes its stream, after handing out what was published', async () => {
    const j = journal();
    const live = new Subject<LifecycleEvent>();
    const feed = await EventFeed.open(j.store, live, 'now');
    j.committed.push(j.event(1));
    live.next(j.event(1));
    live.complete();
    expect((await feed.next(10))?.map((e) => e.id)).toEqual([1]);
    expect(await feed.next(10)).toBeNull();
  });
});

describe('EventFeed memory', () => {
  it('keeps at most maxBuffered live events for a client that stopped reading, then catches up from the store', async () => {
    const j = journal();
    const live = new Subject<LifecycleEvent>();
    const feed = await EventFeed.open(j.store, live, 'now', { maxBuffered: 10, pageSize: 7 });
    for (let id = 1; id <= 95; id += 1) {
      j.committed.push(j.event(id));
      live.next(j.event(id));
    }
    const seen: number[] = [];
    while (seen.length < 95) seen.push(...((await feed.next(10)) ?? []).map((e) => e.id));
    expect(seen).toEqual(Array.from({ length: 95 }, (_, i) => i + 1));
    expect(await feed.next(10)).toEqual([]);
    feed.close();
  });
});
