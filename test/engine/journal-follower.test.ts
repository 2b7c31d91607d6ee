import { describe, expect, it } from 'vitest';
import { JournalFollower } from '../../src/engine/journal-follower.ts';
import { createLogger } from '../../src/engine/logger.ts';
import type { LifecycleEvent } from '../../src/model/lifecycle-event.ts';
import type { Store } from '../../src/store/store.ts';

/** A shared store whose journal is an array: just what the follower reads. */
function sharedJournal(): { store: Store; append(count: number): LifecycleEvent[] } {
  const journal: LifecycleEvent[] = [];
  const store = {
    shared: true,
    lastEventId: async () => 0,
    readEvents: async (afterId: number, limit: number) => journal.filter((event) => event.id > afterId).slice(0, limit),
  } as unknown as Store;
  return {
    store,
    append(count) {
      const added = Array.from({ length: count }, (_, i): LifecycleEvent => ({ id: journal.length + i + 1, type: 'task.proposed', at: '2030-01-01T00:00:00.000Z', taskId: `t-${journal.length + i + 1}`, actor: 'agent' }));
      journal.push(...added);
      return added;
    },
  };
}

describe('JournalFollower on a shared store', () => {
  it('publishes each event once, whether this worker committed it, the journal returned it, or both — past the point where it forgets old ids', async () => {
    const { store, append } = sharedJournal();
    const follower = new JournalFollower(store, createLogger('silent'));
    const seen: number[] = [];
    follower.events$.subscribe((event) => seen.push(event.id));
    // 130,000 events: this worker committed every other one (published at once), then the journal read brings all of them.
    for (let round = 0; round < 13; round += 1) {
      const events = append(10_000);
      follower.publish(events.filter((event) => event.id % 2 === 0));
      await follower.catchUp();
    }
    expect(seen).toHaveLength(130_000);
    expect(new Set(seen).size).toBe(130_000);
    // A late duplicate of a recent id is still dropped after the forgetting.
    follower.publish([{ id: 129_999, type: 'task.proposed', at: '2030-01-01T00:00:00.000Z', taskId: 't-129999', actor: 'agent' }]);
    expect(seen).toHaveLength(130_000);
    follower.stop();
  });
});

describe('JournalFollower while the store is away', () => {
  it('says so once, not once per wake-up, and once more when it reads again', async () => {
    const { store, append } = sharedJournal();
    let down = true;
    const reading = store.readEvents.bind(store);
    store.readEvents = async (afterId, limit) => {
      if (down) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
      return reading(afterId, limit);
    };
    const lines: Array<{ level: number; msg: string }> = [];
    const pino = (await import('pino')).default;
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
    const follower = new JournalFollower(store, logger);
    for (let i = 0; i < 20; i += 1) await follower.catchUp();
    expect(lines.map((line) => line.level)).toEqual([40]);
    expect(lines[0]?.msg).toMatch(/reading other workers’ events .* failed; retrying/);
    down = false;
    append(3);
    await follower.catchUp();
    expect(lines.map((line) => line.level)).toEqual([40, 30]);
    expect(lines[1]?.msg).toMatch(/works again after 20 failures/);
    follower.stop();
  });
});
