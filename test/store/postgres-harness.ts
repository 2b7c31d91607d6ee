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
export function connectTestDatabase(): Promise<pg.Client> {
  return connectPostgres(TEST_PG_URL, 'Start it, or point TOLLGATE_TEST_PG at a database the tests may create schemas in.');
}

/**
 * Connects a pg client to `url` (5 s to answer), or throws an error that names the URL (its
 * password hidden), why it failed, and `hint`.
 * @example const client = await connectPostgres('postgres://postgres@127.0.0.1/test');
 */
export async function connectPostgres(url: string, hint = ''): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw new Error(`PostgreSQL is unreachable at ${redact(url)} (${(error as Error).message}).${hint ? ` ${hint}` : ''}`);
  }
  return client;
}

/**
 * The test database as one test file uses it. `connect()` (in beforeAll) keeps the admin client,
 * or why PostgreSQL is unreachable; `admin` gives the client or throws that reason, so every test
 * that uses it FAILS with it (a throwing beforeAll would only mark them skipped). `end()` (in
 * afterAll) drops the file's schemas and disconnects.
 * @example const db = new TestDatabase(); beforeAll(async () => { if (await db.connect()) … }); afterAll(() => db.end([schema]));
 */
export class TestDatabase {
  #client: pg.Client | null = null;
  #unreachable: unknown = null;

  /** Connects; false (keeping the reason) when the database is unreachable. */
  async connect(): Promise<boolean> {
    try {
      this.#client = await connectTestDatabase();
      return true;
    } catch (error) {
      this.#unreachable = error;
      return false;
    }
  }

  /** The admin client for test-side SQL; throws why the database is unreachable. */
  get admin(): pg.Client {
    if (this.#client) return this.#client;
    throw this.#unreachable ?? new Error('TestDatabase.connect() was not called');
  }

  /** Throws why the database is unreachable (for tests that do not need the client itself). */
  assertReachable(): void {
    void this.admin;
  }

  /** Drops `schemas` and disconnects (nothing, when it never connected). */
  async end(schemas: readonly string[]): Promise<void> {
    if (!this.#client) return;
    await dropSchemas(this.#client, schemas);
    await this.#client.end();
    this.#client = null;
  }
}

/** Drops test schemas (and everything in them). */
export async function dropSchemas(client: pg.Client, schemas: readonly string[]): Promise<void> {
  for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}
