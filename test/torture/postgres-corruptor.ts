import pg from 'pg';
import { postgresTables } from '../../src/store/postgres-schema.ts';
import { splitPostgresUrl } from '../../src/store/postgres-url.ts';
import type { StoreCorruptor } from './corruptor.ts';

/**
 * The corruptor for a PostgreSQL `--db` URL (`postgres://…?schema=NAME`, default schema
 * `public`): a connection of its own truncates the JSON text in place. `envelope` and `record`
 * are TEXT columns (src/store/postgres-schema.ts), so the damage is the same as on SQLite:
 * text that is no longer JSON, which the engine's snapshot check and `approvalFromRow` reject.
 * @example await postgresCorruptor('postgres://postgres@127.0.0.1/test?schema=t1').corruptApproval(approvalId);
 */
export function postgresCorruptor(dbUrl: string): StoreCorruptor {
  const { connectionString, schema } = splitPostgresUrl(dbUrl);
  // The store's own table names: the schema checked and quoted as the server does.
  const tables = postgresTables(schema ?? 'public');
  const edit = async (sql: string, id: string) => {
    const client = new pg.Client({ connectionString, connectionTimeoutMillis: 5_000 });
    await client.connect();
    try {
      const changed = (await client.query(sql, [id])).rowCount;
      if (changed !== 1) throw new Error(`corrupting ${id}: ${changed} rows changed`);
    } finally {
      await client.end();
    }
  };
  return {
    corruptSnapshot: (taskId) => edit(`UPDATE ${tables.tasks} SET envelope = left(envelope, 60) WHERE id = $1`, taskId),
    corruptApproval: (approvalId) => edit(`UPDATE ${tables.approvals} SET record = left(record, 40) WHERE id = $1`, approvalId),
  };
}
