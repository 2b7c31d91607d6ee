import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../src/engine/clock.ts';
import { createLogger } from '../../src/engine/logger.ts';
import { WorkerLeases } from '../../src/engine/worker-leases.ts';
import type { Store } from '../../src/store/store.ts';
import type { TaskLease } from '../../src/store/task-record.ts';

/** A shared store that only records lease renewals. */
function renewalsStore() {
  const renewals: Array<{ taskIds: readonly string[]; lease: TaskLease }> = [];
  const store = {
    shared: true,
    renewLeases: async (taskIds: readonly string[], lease: TaskLease) => {
      renewals.push({ taskIds, lease });
      return [...taskIds];
    },
  } as unknown as Store;
  return { store, renewals };
}

describe('WorkerLeases.landed', () => {
  const leaseMs = 30_000; // a beat every 10 s

  it('leaves a lease whose commit landed soon to the heartbeat: no statement per task', async () => {
    const { store, renewals } = renewalsStore();
    const clock = new SimulatedClock();
    const leases = new WorkerLeases(store, clock, createLogger('silent'), { workerId: 'w1', leaseMs }, () => []);
    const lease = leases.lease() as TaskLease;
    clock.advance(900); // under a tenth of a beat
    leases.landed('t-1', lease);
    await Promise.resolve();
    expect(renewals).toEqual([]);
  });

  it('renews at once a lease whose commit waited over a tenth of a beat, from now', async () => {
    const { store, renewals } = renewalsStore();
    const clock = new SimulatedClock();
    const leases = new WorkerLeases(store, clock, createLogger('silent'), { workerId: 'w1', leaseMs }, () => []);
    const lease = leases.lease() as TaskLease;
    clock.advance(1_500);
    leases.landed('t-1', lease);
    await Promise.resolve();
    expect(renewals).toHaveLength(1);
    expect(renewals[0]?.taskIds).toEqual(['t-1']);
    expect(Date.parse(renewals[0]?.lease.expiresAt ?? '')).toBe(clock.now() + leaseMs);
  });
});
