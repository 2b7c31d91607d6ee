import { EventEmitter } from 'node:events';
import type { Pool } from 'pg';
import { describe, expect, it } from 'vitest';
import { inTransaction } from '../../src/store/postgres-transaction.ts';

/** A pooled client whose connection can be lost while it is checked out. */
function fakePool() {
  const client = Object.assign(new EventEmitter(), {
    queries: [] as string[],
    released: [] as Array<Error | undefined>,
    lose: null as ((error: Error) => void) | null,
    async query(text: string) {
      client.queries.push(text);
      return { rows: [], rowCount: 0 };
    },
    release(error?: Error) {
      client.released.push(error);
    },
  });
  return { pool: { connect: async () => client } as unknown as Pool, client };
}

describe('inTransaction', () => {
  it('survives the connection being lost while checked out (no uncaught error event), and drops that connection', async () => {
    const { pool, client } = fakePool();
    const lost = new Error('Connection terminated unexpectedly');
    const result = await inTransaction(pool, async () => {
      // pg emits 'error' on the client; with no listener, EventEmitter throws it right here.
      client.emit('error', lost);
      throw lost;
    }).catch((error) => error);
    expect(result).toBe(lost);
    expect(client.released).toEqual([lost]);
    expect(client.listenerCount('error')).toBe(0);
  });

  it('commits, and gives a healthy connection back', async () => {
    const { pool, client } = fakePool();
    expect(await inTransaction(pool, async () => 7)).toBe(7);
    expect(client.queries).toEqual(['BEGIN', 'COMMIT']);
    expect(client.released).toEqual([undefined]);
    expect(client.listenerCount('error')).toBe(0);
  });
});
