import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureDemoTokens, seedDemoTasks } from '../../src/cli/serve-demo.ts';
import { SimulatedClock } from '../../src/engine/clock.ts';
import { createEngine } from '../../src/engine/engine.ts';
import { createMemoryStore } from '../../src/store/memory.ts';
import { openSqliteStore } from '../../src/store/sqlite.ts';
import { TEST_PG_URL, connectTestDatabase } from '../store/postgres-harness.ts';
import { testPolicy } from '../support/test-policy.ts';
import { tollgate } from './support/run-main.ts';

const BIN = resolve(import.meta.dirname, '../../bin/tollgate.mjs');

/** `tollgate serve --demo` in a folder: waits for its output to settle, then stops it. */
async function demo(cwd: string): Promise<{ out: string; code: number | null }> {
  const child = spawn(process.execPath, [BIN, 'serve', '--demo', '--port', '0', '--log-level', 'warn'], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk) => {
    out += chunk;
  });
  child.stderr.on('data', (chunk) => {
    err += chunk;
  });
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  const deadline = Date.now() + 30_000;
  while (!out.includes('try: ') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  if (!out.includes('try: ')) throw new Error(`demo did not start: ${out}\n${err}`);
  child.kill('SIGINT');
  return { out, code: await exited };
}

describe('npm start (tollgate serve --demo)', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'tollgate-demo-'));
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));

  it('serves with demo tokens and parked demo tasks; a restart finds the same ones instead of piling up', async () => {
    const first = await demo(cwd);
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/^listening on http:\/\/127\.0\.0\.1:\d+\n/);
    expect(first.out).toMatch(/alice\s+approver\s+critical\s+tg_/);
    // The ceiling each may decide up to, defaults included (blank read as no limit for carol).
    expect(first.out).toMatch(/carol\s+approver\s+high\s+tg_/);
    expect(first.out).toMatch(/admin\s+admin\s+critical\s+tg_/);
    expect(first.out).toMatch(/agent-atlas\s+agent\s+-\s+tg_/);
    expect(first.out.match(/ parked /g)).toHaveLength(4);
    // Where the data goes is said beside the tokens' file (it was only in the JSON log on stderr).
    expect(first.out).toContain(`store: sqlite:${join(cwd, 'tollgate-demo.db')}\n`);
    // The command to try is one that works where the demo was started, not only in this
    // repository (`node bin/tollgate.mjs` is not there when Tollgate is a dependency).
    expect(first.out).toMatch(/\ntry: TOLLGATE_URL=http:\/\/127\.0\.0\.1:\d+ TOLLGATE_TOKEN=tg_\S+ npx tollgate approvals ls\n/);
    const tokens = JSON.parse(readFileSync(join(cwd, 'tollgate-demo-tokens.json'), 'utf8'));
    expect(tokens.map((t: { principal: { id: string } }) => t.principal.id)).toEqual(['admin', 'alice', 'bob', 'carol', 'agent-atlas', 'viewer']);
    expect(statSync(join(cwd, 'tollgate-demo-tokens.json')).mode & 0o077).toBe(0);
    // A restart finds the same tokens and the same tasks (the seed is idempotent), in-process here.
    expect(ensureDemoTokens(join(cwd, 'tollgate-demo-tokens.json'))).toEqual(tokens);
    const store = await openSqliteStore({ path: join(cwd, 'tollgate-demo.db') });
    const engine = createEngine({ store });
    const again = await seedDemoTasks(engine);
    const printed = [...first.out.matchAll(/^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\s/gm)].map((m) => m[1]);
    expect(again.map((task) => task.id)).toEqual(printed);
    expect((await store.listTasks({ limit: 100 })).items).toHaveLength(printed.length);
    await engine.close();
    await store.close();
  });
});

/** The command created nothing in the test database: no schema of that name. */
async function expectNoSchema(schema: string): Promise<void> {
  const client = await connectTestDatabase();
  try {
    const found = await client.query('SELECT 1 FROM information_schema.schemata WHERE schema_name = $1', [schema]);
    expect(found.rowCount).toBe(0);
  } finally {
    await client.end();
  }
}

describe('the demo seed on a store whose demo tasks are all decided or expired', () => {
  it('files a fresh set, so a restart the next day still has tasks waiting (found by a new-user trial: the next day, all had expired), and finds it again on the next start', async () => {
    const clock = new SimulatedClock(Date.parse('2026-05-01T09:00:00.000Z'));
    const store = createMemoryStore();
    const engine = createEngine({ store, clock });
    try {
      const first = await seedDemoTasks(engine);
      expect(first.map((task) => task.state)).toEqual(['completed', 'parked', 'parked', 'parked', 'parked']);
      // The next day: every deadline has passed and the sweeper has applied them.
      clock.advance(24 * 3_600_000);
      await engine.expireDue(100);
      expect((await engine.listApprovals({ status: 'pending', offset: 0, limit: 10 })).total).toBe(0);

      const second = await seedDemoTasks(engine);
      expect(second.map((task) => task.state)).toEqual(['completed', 'parked', 'parked', 'parked', 'parked']);
      expect(second.map((task) => task.id).filter((id) => first.some((old) => old.id === id))).toEqual([]);
      // A start with some of them still waiting files nothing: the same set is found again.
      const third = await seedDemoTasks(engine);
      expect(third.map((task) => task.id)).toEqual(second.map((task) => task.id));
      expect((await store.listTasks({ limit: 100 })).items).toHaveLength(10);
    } finally {
      await engine.close();
    }
  });

  it('files one fresh set at most when the policy in force parks none of them (it does not loop)', async () => {
    const store = createMemoryStore();
    // The test policy allows every action the demo files.
    const engine = createEngine({ store, policy: testPolicy() });
    try {
      const first = await seedDemoTasks(engine);
      expect(first.every((task) => task.state === 'completed')).toBe(true);
      await seedDemoTasks(engine);
      expect((await store.listTasks({ limit: 100 })).items.length).toBeLessThanOrEqual(10);
    } finally {
      await engine.close();
    }
  });
});

describe('the files npm start makes in the repository', () => {
  it('are ignored by git: the store and every file SQLite and the owner lock keep beside it, and the tokens (found by a new-user trial: git status showed tollgate-demo.db-lock-journal while the demo ran)', () => {
    const patterns = readFileSync(resolve(import.meta.dirname, '../../.gitignore'), 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '' && !line.startsWith('#'))
      .map((line) => new RegExp(`^${line.trim().replace(/^\//, '').replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}$`));
    const made = ['', '-wal', '-shm', '-journal', '-lock', '-lock-journal'].map((suffix) => `tollgate-demo.db${suffix}`).concat('tollgate-demo-tokens.json');
    expect(made.filter((file) => !patterns.some((pattern) => pattern.test(file)))).toEqual([]);
  });
});

describe('tollgate demo', () => {
  it('runs a batch through the engine on memory: and summarises where the tasks ended', async () => {
    const { code, out } = await tollgate('demo', '--db', 'memory:', '--tasks', '30', '--concurrency', '4');
    expect(code).toBe(0);
    expect(out).toMatch(/audit chain: ok \(\d+ entries\); 30 proposals/);
    expect(out).toContain('Nothing was kept (memory:)');
  });

  it('refuses a shared PostgreSQL store (exit 2), creating nothing there: its workers would serve, and run, the made-up approvals (found by a new-user trial)', async () => {
    const schema = `tollgate_demo_refused_${process.pid}`;
    const { code, out, err } = await tollgate('demo', '--db', `${TEST_PG_URL}?schema=${schema}`);
    expect([code, out]).toEqual([2, '']);
    expect(err).toMatch(/db: the demo runs on sqlite:PATH or memory: only/);
    await expectNoSchema(schema);
  });

  it('serve --demo refuses a shared PostgreSQL store too (exit 2), creating nothing there: it filed its made-up approvals in the real queue, beside its own admin token (found by a PostgreSQL trial)', async () => {
    const schema = `tollgate_serve_demo_refused_${process.pid}`;
    const cwd = mkdtempSync(join(tmpdir(), 'tollgate-serve-demo-pg-'));
    const previous = process.cwd();
    process.chdir(cwd);
    try {
      const { code, out, err } = await tollgate('serve', '--demo', '--port', '0', '--db', `${TEST_PG_URL}?schema=${schema}`, '--log-level', 'silent');
      expect([code, out]).toEqual([2, '']);
      expect(err).toMatch(/--demo runs on sqlite:PATH or memory: only/);
      expect(readdirSync(cwd)).toEqual([]);
    } finally {
      process.chdir(previous);
      rmSync(cwd, { recursive: true, force: true });
    }
    await expectNoSchema(schema);
  });
});
