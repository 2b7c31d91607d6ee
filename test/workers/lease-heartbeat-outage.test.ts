import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../src/engine/clock.ts';
import { WorkerLeases } from '../../src/engine/worker-leases.ts';
import type { Store } from '../../src/store/store.ts';
import { connectionRefused } from '../support/outage-store.ts';

// Found by a new-user trial on PostgreSQL: a worker cut off from the database (its connections
// refused for a few seconds) logged a warn line with a full stack trace at every lease
// heartbeat (a third of --lease-ms), for as long as the outage lasted. The README's outage
// logging: the first failure at warn with its reason and no stack, then at most once a minute,
// once at info when it works again (as the sweeper and the journal LISTEN connection do).

describe('the lease heartbeat while the store is away', () => {
  it('says the outage once without a stack, then at most once a minute, and once when it works again', async () => {
    let down = true;
    const store = {
      shared: true,
      renewLeases: async (taskIds: readonly string[]) => {
        if (down) throw connectionRefused();
        return [...taskIds];
      },
    } as unknown as Store;
    const lines: Record<string, unknown>[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
    const clock = new SimulatedClock();
    const leases = new WorkerLeases(store, clock, logger, { workerId: 'w1', leaseMs: 3_000 }, () => ['t-1']);
    // 30 s of beats (one a second) while the store refuses.
    for (let i = 0; i < 30; i += 1) {
      await leases.beat();
      clock.advance(1_000);
    }
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 40, code: 'ECONNREFUSED' });
    expect(JSON.stringify(lines)).not.toMatch(/"stack"/);
    clock.advance(60_000);
    await leases.beat();
    expect(lines).toHaveLength(2);
    down = false;
    await leases.beat();
    expect(lines).toHaveLength(3);
    expect(lines[2]).toMatchObject({ level: 30, failures: 31 });
  });
});
