import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The test database: `TOLLGATE_TEST_PG`, or the local trust-auth cluster. */
export const TEST_PG_URL = process.env.TOLLGATE_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A schema name nobody else uses: `tollgate_test_<label>_<random>`. */
export function testSchemaName(label: string): string {
  return `tollgate_test_${label}_${randomBytes(5).toString('hex')}`;
}

/**
 * Connects a client for test-side SQL (end it in afterAll), or throws a clear error when the
 * test database is not there. Callers keep that error and throw it from every test, so each
 * test FAILS with it (a throwing beforeAll would only mark them skipped).
 */
export async function connectTestDatabase(): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: TEST_PG_URL, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw new Error(
      `PostgreSQL is unreachable at ${redact(TEST_PG_URL)} (${(error as Error).message}). ` +
        'Start it, or point TOLLGATE_TEST_PG at a database the tests may create schemas in.',
    );
  }
  return client;
}

/** Drops test schemas (and everything in them). */
export async function dropSchemas(client: pg.Client, schemas: readonly string[]): Promise<void> {
  for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}
