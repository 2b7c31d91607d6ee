import pg from 'pg';
import { NotFoundError, ValidationError } from '../errors.ts';
import { POSTGRES_MIGRATIONS, migratePostgres, newerSchemaError, postgresSchemaVersion } from './postgres-schema.ts';

// How the PostgreSQL store reaches its database and readies its schema, apart from the store's
// reads and writes (postgres.ts).

/** How long a new connection may take (see `connectTimeoutMs`). */
const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
/** How long a statement may wait for its answer (see `queryTimeoutMs`). */
export const DEFAULT_QUERY_TIMEOUT_MS = 30_000;
/**
 * TCP keepalive on every connection, after this long idle: an idle connection that went silent
 * (the LISTEN connection above all, which only ever waits) fails within seconds of it, and is
 * opened again, instead of never hearing another worker's events.
 */
const KEEPALIVE_IDLE_MS = 10_000;

/**
 * The settings of every connection the store makes (its pool's, and a migration's own): the
 * connect timeout and TCP keepalive above, and the name the database shows for it.
 */
export function postgresConnection(options: { connectionString: string; connectTimeoutMs?: number }): pg.PoolConfig {
  return {
    connectionString: options.connectionString,
    connectionTimeoutMillis: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    keepAlive: true,
    keepAliveInitialDelayMillis: KEEPALIVE_IDLE_MS,
    fallback_application_name: 'tollgate',
  };
}

/**
 * Migrates on a connection of its own, without the statements' timeout: an index built on a
 * large table, or a worker waiting for another's migration (the advisory lock), may take minutes.
 */
export async function migrateUnbounded(connection: pg.PoolConfig, schema: string): Promise<{ from: number; to: number }> {
  const pool = new pg.Pool({ ...connection, max: 1 });
  pool.on('error', () => undefined);
  try {
    return await migratePostgres(pool, schema);
  } finally {
    await pool.end().catch(() => undefined);
  }
}

/**
 * For a tool that only reads: throws `NotFoundError` unless Tollgate set up `schema` in this
 * database, and refuses one at another version than this Tollgate's (as the SQLite store does),
 * rather than migrating a shared database one way behind its workers' backs.
 */
export async function assertSchemaCurrent(pool: pg.Pool, schema: string): Promise<void> {
  const version = await postgresSchemaVersion(pool, schema);
  const known = POSTGRES_MIGRATIONS.length;
  if (version === 0) throw new NotFoundError('Tollgate schema', schema);
  if (version > known) throw newerSchemaError(schema, version);
  if (version < known) {
    throw new ValidationError(
      `schema ${schema} has schema version ${version} and this Tollgate reads version ${known}: open it once with tollgate serve or tollgate migrate (they migrate it) first`,
    );
  }
}
