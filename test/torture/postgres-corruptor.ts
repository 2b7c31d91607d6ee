import pg from 'pg';
import type { StoreCorruptor } from './corruptor.ts';

/**
 * The corruptor for a PostgreSQL `--db` URL (`postgres://…?schema=NAME`, default schema
 * `public`): a connection of its own truncates the JSON text in place. `envelope` and `record`
 * are TEXT columns (src/store/postgres-schema.ts), so the damage is the same as on SQLite:
 * text that is no longer JSON, which the engine's snapshot check and `approvalFromRow` reject.
 * @example await postgresCorruptor('postgres://postgres@127.0.0.1/test?schema=t1').corruptApproval(approvalId);
 */
export function postgresCorruptor(dbUrl: string): StoreCorruptor {
  const { connectionString, schema } = splitSchema(dbUrl);
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
  const table = (name: string) => `"${schema}".${name}`;
  return {
    corruptSnapshot: (taskId) => edit(`UPDATE ${table('tasks')} SET envelope = left(envelope, 60) WHERE id = $1`, taskId),
    corruptApproval: (approvalId) => edit(`UPDATE ${table('approvals')} SET record = left(record, 40) WHERE id = $1`, approvalId),
  };
}

/**
 * Splits Tollgate's `schema` parameter off a PostgreSQL URL (as `tollgate serve` does): what
 * is left is pg's connection string.
 * @example splitSchema('postgres://h/db?schema=t1') // { connectionString: 'postgres://h/db', schema: 't1' }
 */
export function splitSchema(dbUrl: string): { connectionString: string; schema: string } {
  const url = new URL(dbUrl);
  const schema = url.searchParams.get('schema') ?? 'public';
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`unexpected schema name ${JSON.stringify(schema)}`);
  url.searchParams.delete('schema');
  return { connectionString: url.toString(), schema };
}
