import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type pg from 'pg';
import { splitPostgresUrl } from '../../src/store/postgres-url.ts';
import { connectPostgres } from '../store/postgres-harness.ts';

/** The database one torture run uses, and how to get rid of it. */
export interface TortureDatabase {
  /** The `--db` URL the server, the corruptor and `tollgate audit verify` are given. */
  dbUrl: string;
  /** Drops what `prepareTortureDatabase` created (nothing for a database the caller named). */
  dispose(): Promise<void>;
}

/**
 * Picks the run's database so that runs never see each other's rows:
 * - nothing requested: a fresh SQLite file in `dir` (removed with `dir`);
 * - a PostgreSQL URL without `schema`: a fresh schema `tollgate_torture_<random>` in that
 *   database (the server creates it), dropped by `dispose()`. PostgreSQL must answer now, or
 *   this throws: the run fails loudly rather than later in a server start;
 * - anything else (`sqlite:PATH`, a PostgreSQL URL with `schema=`): used as given, and kept.
 * @example const db = await prepareTortureDatabase('postgres://postgres@127.0.0.1/test', dir); … await db.dispose();
 */
export async function prepareTortureDatabase(requested: string | undefined, dir: string): Promise<TortureDatabase> {
  const kept = async () => undefined;
  if (requested === undefined) return { dbUrl: `sqlite:${join(dir, 'tollgate.db')}`, dispose: kept };
  if (!/^postgres(ql)?:\/\//.test(requested)) return { dbUrl: requested, dispose: kept };
  const url = new URL(requested);
  if (url.searchParams.has('schema')) return { dbUrl: requested, dispose: kept };
  await withClient(requested, async () => undefined);
  const schema = `tollgate_torture_${randomBytes(5).toString('hex')}`;
  url.searchParams.set('schema', schema);
  const dbUrl = url.toString();
  return {
    dbUrl,
    dispose: () => withClient(splitPostgresUrl(dbUrl).connectionString, (client) => client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)),
  };
}

async function withClient(connectionString: string, use: (client: pg.Client) => Promise<unknown>): Promise<void> {
  const client = await connectPostgres(connectionString);
  try {
    await use(client);
  } finally {
    await client.end();
  }
}
