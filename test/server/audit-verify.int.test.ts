import { existsSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/cli/open-store.ts';
import { createEngine } from '../../src/engine/engine.ts';
import { openSqliteStore } from '../../src/store/sqlite.ts';
import { PRINCIPALS, PROPOSALS } from './support/app-harness.ts';
import { tollgate } from './support/run-main.ts';
import { openPostgresStore } from '../../src/store/postgres.ts';
import { POSTGRES_MIGRATIONS } from '../../src/store/postgres-schema.ts';
import { TEST_PG_URL, TestDatabase, testSchemaName } from '../store/postgres-harness.ts';
import { runCli, ServerFiles } from './support/spawn-server.ts';

describe('tollgate audit verify on an SQLite file (in-process, then the real binary)', () => {
  const files = new ServerFiles();
  afterAll(() => files.remove());

  it('reports ok, then, after one audit row is edited behind its back, where the chain breaks', async () => {
    const store = await openSqliteStore({ path: files.db });
    const engine = createEngine({ store });
    const { task } = await engine.submit({ ...PROPOSALS.human, agentId: 'agent-1' });
    await engine.decide(task.approvalId!, { kind: 'reject', reason: 'not today' }, PRINCIPALS.alice);
    await engine.submit({ ...PROPOSALS.auto, agentId: 'agent-1' });
    await engine.close();
    await store.close();

    const clean = await tollgate('audit', 'verify', '--db', `sqlite:${files.db}`);
    expect(clean.code).toBe(0);
    expect(clean.out).toMatch(/^audit chain ok: \d+ entries\nhead \d+:[0-9a-f]{64} {2}\(record it elsewhere; --anchor \d+:[0-9a-f]{64} proves later/);
    const head = /head (\d+:[0-9a-f]{64})/.exec(clean.out)?.[1] as string;
    const anchored = await tollgate('audit', 'verify', '--db', `sqlite:${files.db}`, '--anchor', head, '--json');
    expect([anchored.code, JSON.parse(anchored.out)]).toEqual([0, expect.objectContaining({ ok: true, anchors: 1 })]);
    // A mistyped anchor is a usage error: exit 2, the form it takes named, nothing read.
    const typo = await tollgate('audit', 'verify', '--db', `sqlite:${files.db}`, '--anchor', head.slice(0, -1));
    expect(typo.code).toBe(2);
    expect([typo.out, typo.err]).toEqual(['', expect.stringMatching(/--anchor: ".*" is not an anchor: write seq:hash/)]);

    // Rewrite history: the rejection now claims bob decided it.
    const db = new Database(files.db);
    const row = db.prepare("SELECT seq FROM journal WHERE type = 'approval.rejected'").get() as { seq: number };
    expect(db.prepare("UPDATE journal SET actor = 'bob' WHERE seq = ?").run(row.seq).changes).toBe(1);
    db.close();

    const broken = await runCli(['audit', 'verify', '--db', `sqlite:${files.db}`, '--json']);
    expect(broken.code).toBe(1);
    expect(JSON.parse(broken.stdout)).toEqual({ ok: false, entries: row.seq, brokenAt: row.seq, reason: expect.stringMatching(/does not match its hash|link/) });
  });

  it('refuses a store that is not there instead of creating an empty one and calling it verified (exit 2)', async () => {
    const missing = `${files.dir}/typo.db`;
    const answer = await runCli(['audit', 'verify', '--db', `sqlite:${missing}`]);
    expect([answer.code, answer.stdout]).toEqual([2, '']);
    expect(answer.stderr).toContain('no such database file');
    expect(existsSync(missing)).toBe(false);
    // Read-only, it migrates nothing: a store of an older schema is named, not changed.
    const older = `${files.dir}/older.db`;
    await (await openSqliteStore({ path: older })).close();
    const raw = new Database(older);
    raw.pragma('user_version = 4');
    raw.close();
    const stale = await runCli(['audit', 'verify', '--db', `sqlite:${older}`]);
    expect(stale.code).toBe(2);
    expect(stale.stderr).toMatch(/has schema version 4 and this Tollgate reads version \d+: open it once with tollgate serve or tollgate migrate/);
    // A PostgreSQL schema Tollgate never set up is the same mistake, the same exit code (and its password is not printed).
    const noSchema = await runCli(['audit', 'verify', '--db', `${TEST_PG_URL.replace('postgres://postgres@', 'postgres://postgres:pw@')}?schema=never_set_up`]);
    expect([noSchema.code, noSchema.stdout]).toEqual([2, '']);
    expect(noSchema.stderr).toContain('no Tollgate schema never_set_up');
    expect(noSchema.stderr).not.toContain(':pw@');
    const scheme = await runCli(['audit', 'verify', '--db', 'mysql://root@127.0.0.1/test']);
    expect(scheme.code).toBe(2);
    expect(scheme.stderr).toContain('expected sqlite:PATH, memory: or postgres://');
  });

  it('verifies, and replays a policy against, the store of a server that is running (read-only, beside its owner lock)', async () => {
    const path = `${files.dir}/live.db`;
    const store = await openSqliteStore({ path });
    const engine = createEngine({ store });
    try {
      await engine.submit({ ...PROPOSALS.human, agentId: 'agent-1' });
      const verified = await runCli(['audit', 'verify', '--db', `sqlite:${path}`]);
      expect([verified.code, verified.stderr]).toEqual([0, '']);
      expect(verified.stdout).toMatch(/^audit chain ok: \d+ entries\nhead \d+:[0-9a-f]{64} /);
      const policy = `${files.dir}/stricter.json`;
      const { DEFAULT_POLICY } = await import('../../src/policy/default-policy.ts');
      writeFileSync(policy, JSON.stringify({ ...DEFAULT_POLICY, hardDeny: [...DEFAULT_POLICY.hardDeny, 'vcs:push'] }));
      const replayed = await runCli(['policy', 'replay', '--policy', policy, '--db', `sqlite:${path}`, '--json']);
      expect([replayed.code, replayed.stderr]).toEqual([0, '']);
      expect(JSON.parse(replayed.stdout)).toMatchObject({ tasks: 1 });
      // The server goes on writing, and a read-only opener refuses to.
      await engine.submit({ ...PROPOSALS.auto, agentId: 'agent-1' });
      const reader = await openStore(`sqlite:${path}`, { readOnly: true });
      expect((await reader.listTasks({ limit: 10 })).items).toHaveLength(2);
      await expect(reader.setAutonomy({ scope: 'company', subject: '*', level: 'locked', previous: 'semi', reason: 'x', setBy: 'alice', setAt: new Date().toISOString() })).rejects.toThrow(/opened read-only/);
      await reader.close();
    } finally {
      await engine.close();
      await store.close();
    }
  });
});

describe('the read-only tools on a PostgreSQL schema of an older Tollgate', () => {
  const database = new TestDatabase();
  const schema = testSchemaName('older');
  const files = new ServerFiles();
  beforeAll(() => database.connect());
  afterAll(async () => {
    files.remove();
    await database.end([schema]);
  });

  it('audit verify and policy replay migrate nothing (one-way, on a shared database): they name the version, as on SQLite, exit 2', async () => {
    database.assertReachable();
    await (await openPostgresStore({ connectionString: TEST_PG_URL, schema })).close();
    const latest = POSTGRES_MIGRATIONS.length;
    // As an older Tollgate left it, as far as the version is concerned.
    await database.admin.query(`DELETE FROM "${schema}".tollgate_migrations WHERE version = $1`, [latest]);
    const url = `${TEST_PG_URL}?schema=${schema}`;
    const { DEFAULT_POLICY } = await import('../../src/policy/default-policy.ts');
    const policy = `${files.dir}/policy.json`;
    writeFileSync(policy, JSON.stringify(DEFAULT_POLICY));
    for (const args of [['audit', 'verify', '--db', url], ['policy', 'replay', '--policy', policy, '--db', url]]) {
      const stale = await tollgate(...args);
      expect([stale.code, stale.out], args.join(' ')).toEqual([2, '']);
      expect(stale.err).toMatch(new RegExp(`schema ${schema} has schema version ${latest - 1} and this Tollgate reads version ${latest}: open it once with tollgate serve or tollgate migrate`));
    }
    const versions = await database.admin.query(`SELECT max(version) AS v FROM "${schema}".tollgate_migrations`);
    expect(versions.rows[0].v).toBe(latest - 1);
  });
});
