import type { Pool, PoolClient } from 'pg';
import { storeUnavailableReason } from './store-outage.ts';

/**
 * Runs `work` in one transaction on a pooled connection: `begin` first, COMMIT when `work`
 * resolves, ROLLBACK when it throws (the error is rethrown). A connection that could not even
 * roll back, or whose failure was an outage (lost, silent), is dropped, not returned to the pool.
 * @example const version = await inTransaction(pool, async (client) => (await client.query('SELECT 1')).rowCount);
 */
export async function inTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>, begin = 'BEGIN'): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  // A connection lost while checked out (the database restarting, a proxy dropping it) emits
  // 'error' on the client, and pg leaves a checked-out client without a listener: an uncaught
  // exception that killed the worker (seen in a test of an outage). The query in flight fails on
  // its own; the connection is dropped at release.
  const onLost = (error: Error) => {
    broken ??= error;
  };
  client.on('error', onLost);
  try {
    await client.query(begin);
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    // A connection lost or gone silent (a statement that timed out waiting for its answer) is
    // dropped without a ROLLBACK, which would wait as long again: the server rolls back a
    // transaction whose connection closes.
    const outage = storeUnavailableReason(error) !== undefined;
    if (outage) broken ??= error as Error;
    else {
      await client.query('ROLLBACK').catch((rollbackError: Error) => {
        broken = rollbackError;
      });
    }
    throw error;
  } finally {
    client.removeListener('error', onLost);
    client.release(broken);
  }
}
