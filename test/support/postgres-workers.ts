import { afterAll, beforeAll, beforeEach } from 'vitest';
import { createEngine } from '../../src/engine/engine.ts';
import type { Engine } from '../../src/engine/engine-types.ts';
import { openPostgresStore } from '../../src/store/postgres.ts';
import type { Store } from '../../src/store/store.ts';
import { TEST_PG_URL, TestDatabase, testSchemaName } from '../store/postgres-harness.ts';

/** Two engines on one fresh PostgreSQL schema, as two workers would be: read them inside tests. */
export interface PostgresWorkers {
  readonly engines: Engine[];
  readonly stores: Store[];
}

/**
 * Registers the file's hooks for two workers (a store and an engine each) sharing a fresh schema
 * named after `label`; everything is closed and the schema dropped after the file. Without
 * PostgreSQL, every test of the file fails with the reason (never skips).
 * @example const workers = twoPostgresWorkers('cancel_race', 4); it('…', () => workers.engines[0]);
 */
export function twoPostgresWorkers(label: string, poolSize: number): PostgresWorkers {
  const schema = testSchemaName(label);
  const db = new TestDatabase();
  const workers = { engines: [] as Engine[], stores: [] as Store[] };
  beforeAll(async () => {
    if (!(await db.connect())) return;
    workers.stores = await Promise.all([0, 1].map(() => openPostgresStore({ connectionString: TEST_PG_URL, schema, poolSize })));
    workers.engines = workers.stores.map((store) => createEngine({ store }));
  });
  beforeEach(() => db.assertReachable());
  afterAll(async () => {
    await Promise.all(workers.engines.map((engine) => engine.close()));
    await Promise.all(workers.stores.map((store) => store.close()));
    await db.end([schema]);
  });
  return workers;
}
