import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../src/policy/default-policy.ts';
import { SQLITE_MIGRATIONS } from '../../src/store/sqlite-schema.ts';
import { TEST_PG_URL, TestDatabase, testSchemaName } from '../store/postgres-harness.ts';
import { tollgate } from './support/run-main.ts';
import { PROPOSALS, tokenOf } from './support/app-harness.ts';
import { runCli, ServerFiles, ServerProcess } from './support/spawn-server.ts';

/** A copy of a store from an older Tollgate: schema 4, before the urgency index, the journal head and the pending-due index. */
async function makeSchema4Store(path: string): Promise<void> {
  const made = await runCli(['migrate', '--db', `sqlite:${path}`]);
  expect(made.code).toBe(0);
  const old = new Database(path);
  old.exec('DROP INDEX approvals_pending_urgency; DROP TABLE journal_head; DROP INDEX approvals_pending_due');
  old.pragma('user_version = 4');
  old.close();
}

function schemaOf(path: string): { version: number; journalHead: boolean } {
  const db = new Database(path, { readonly: true });
  try {
    const version = db.pragma('user_version', { simple: true }) as number;
    const journalHead = db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'journal_head'").get() !== undefined;
    return { version, journalHead };
  } finally {
    db.close();
  }
}

/** A port something else holds. */
async function takePort(): Promise<{ port: number; release: () => Promise<void> }> {
  const holder = net.createServer();
  await new Promise<void>((ready) => holder.listen(0, '127.0.0.1', ready));
  const { port } = holder.address() as net.AddressInfo;
  return { port, release: () => new Promise((done) => holder.close(() => done())) };
}

describe('tollgate serve and its store: a failed start changes nothing, what opening does is said', () => {
  const files = new ServerFiles();
  afterAll(() => files.remove());

  it('a start that cannot listen leaves an old-schema store as it was; a start that can migrates it and says so', async () => {
    const db = join(files.dir, 'schema4.db');
    await makeSchema4Store(db);
    const taken = await takePort();
    try {
      const refused = await runCli(['serve', '--port', String(taken.port), '--db', `sqlite:${db}`, '--tokens', files.tokens]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/\(listen_failed\)/);
      // Not migrated: the Tollgate that wrote it still reads it (a rollback stays possible).
      expect(schemaOf(db)).toEqual({ version: 4, journalHead: false });
    } finally {
      await taken.release();
    }
    const server = await ServerProcess.start(files, ['--db', `sqlite:${db}`, '--log-level', 'info']);
    try {
      expect(server.stderr).toContain(`"msg":"migrated the sqlite store from schema 4 to ${SQLITE_MIGRATIONS.length}"`);
      expect(server.stderr).not.toContain('created a new database');
      expect((await server.call('POST', '/api/v1/tasks', { token: tokenOf('agent'), body: PROPOSALS.auto })).status).toBe(201);
    } finally {
      await server.stop();
    }
    expect(schemaOf(db)).toEqual({ version: SQLITE_MIGRATIONS.length, journalHead: true });
  });

  it('says at start what its policy file lets through: a detector switched off, a hard-deny entry that names no action (found by the policy trial: only `policy check` said so)', async () => {
    const policyFile = join(files.dir, 'lax-policy.json');
    writeFileSync(policyFile, JSON.stringify({ ...DEFAULT_POLICY, hardDeny: ['org:firee'], detectors: { disabled: ['remote-code'] } }));
    const server = await ServerProcess.start(files, ['--db', `sqlite:${join(files.dir, 'policy.db')}`, '--policy', policyFile]);
    await server.stop();
    const warnings = server.stderr
      .split('\n')
      .filter((line) => line.includes('"policy: '))
      .map((line) => JSON.parse(line) as { level: number; msg: string; path: string });
    expect(warnings.map((line) => [line.level, line.path, line.msg])).toEqual([
      [40, 'detectors.disabled.0', expect.stringContaining('policy: detector remote-code is off: downloaded code run at once')],
      [40, 'hardDeny.0', expect.stringContaining('policy: org:firee is no action type')],
    ]);
  });

  it('says loudly when it created a new, empty database (a mistyped path)', async () => {
    const db = join(files.dir, 'typo.db');
    const server = await ServerProcess.start(files, ['--db', `sqlite:${db}`]);
    await server.stop();
    const warning = server.stderr.split('\n').find((line) => line.includes('created a new database'));
    expect(JSON.parse(warning ?? '{}')).toMatchObject({ level: 40, path: db, msg: expect.stringContaining(`created a new database at ${db}`) });
  });

  it('an SQLite path in a missing directory: one line naming it, exit 2, nothing created', async () => {
    const missing = join(files.dir, 'no-such-dir');
    const result = await tollgate('serve', '--port', '0', '--db', `sqlite:${missing}/t.db`, '--tokens', files.tokens, '--log-level', 'silent');
    expect(result.code).toBe(2);
    expect(result.err).toBe(`tollgate: --db sqlite:${missing}/t.db: the directory ${missing} of ${missing}/t.db does not exist (a mistyped path? nothing was created) (store_misconfigured)\n`);
    expect(existsSync(missing)).toBe(false);
  });

  it('a directory this user cannot write: one line naming the file and its lock file, exit 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tollgate-readonly-'));
    const readOnly = join(dir, 'ro');
    mkdirSync(readOnly);
    chmodSync(dir, 0o755);
    const tokens = join(dir, 'tokens.json');
    writeFileSync(tokens, JSON.stringify([{ token: 'r'.repeat(32), principal: { id: 'a', roles: ['agent'] } }]), { mode: 0o644 });
    chmodSync(readOnly, 0o555);
    // root writes anywhere: the server then runs as nobody, as the trial's operator did as a user.
    const asNobody = process.getuid?.() === 0;
    if (asNobody) chownSync(readOnly, 0, 0);
    try {
      const result = await runCli(['serve', '--port', '0', '--db', `sqlite:${readOnly}/t.db`, '--tokens', tokens, '--log-level', 'silent'], {}, { cwd: tmpdir(), ...(asNobody ? { uid: 65534, gid: 65534 } : {}) });
      expect(result.code).toBe(2);
      const lines = result.stderr.trimEnd().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^tollgate: --db sqlite:.*: cannot open or create .*\/ro\/t\.db or its lock file .*\/ro\/t\.db-lock \(.+\): .*the directory .*\/ro.* \(store_misconfigured\)$/);
    } finally {
      chmodSync(readOnly, 0o755);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('tollgate serve on PostgreSQL: configuration mistakes and outages', () => {
  const database = new TestDatabase();
  const files = new ServerFiles();
  const schema = testSchemaName('outage');
  const withPassword = (url: string, password: string) => url.replace('postgres://postgres@', `postgres://postgres:${password}@`);
  beforeAll(() => database.connect());
  afterAll(async () => {
    files.remove();
    await database.end([schema]);
  });

  it('a database or role that does not exist: one line naming it, never the password, exit 2', async () => {
    database.assertReachable();
    const url = new URL(withPassword(TEST_PG_URL, 'hunter2-secret'));
    url.pathname = '/nosuchdb';
    url.searchParams.set('schema', schema);
    const noDatabase = await tollgate('serve', '--port', '0', '--db', url.toString(), '--tokens', files.tokens, '--log-level', 'silent');
    expect(noDatabase.code).toBe(2);
    expect(noDatabase.err).toMatch(/^tollgate: --db postgres:\/\/postgres:\*\*\*@[^ ]+\/nosuchdb\?schema=\w+: database "nosuchdb" does not exist \(store_misconfigured\)\n$/);
    url.pathname = new URL(TEST_PG_URL).pathname;
    url.username = 'nosuchrole';
    const noRole = await tollgate('serve', '--port', '0', '--db', url.toString(), '--tokens', files.tokens, '--log-level', 'silent');
    expect(noRole.code).toBe(2);
    expect(noRole.err).toMatch(/^tollgate: --db postgres:\/\/nosuchrole:\*\*\*@.*: (role "nosuchrole" does not exist|password authentication failed for user "nosuchrole") \(store_misconfigured\)\n$/);
    expect(noDatabase.err + noRole.err).not.toContain('hunter2');
  });

  it('a URL whose TLS cannot work (the server offers none, its certificate is not trusted, a certificate file is not there): one line, exit 2', async () => {
    const noTls = await fakePostgres(files.dir, 'no-tls');
    const selfSigned = await fakePostgres(files.dir, 'self-signed');
    try {
      const cases = [
        [`postgres://postgres:hunter2-secret@127.0.0.1:${noTls.port}/test?sslmode=require`, /the server does not support SSL connections/],
        [`postgres://postgres:hunter2-secret@127.0.0.1:${selfSigned.port}/test?sslmode=verify-full`, /self-signed certificate/],
        [`postgres://postgres:hunter2-secret@127.0.0.1:${noTls.port}/test?sslmode=verify-full&sslrootcert=${join(files.dir, 'no-such-ca.pem')}`, /no-such-ca\.pem/],
      ] as const;
      for (const [url, says] of cases) {
        for (const args of [['audit', 'verify', '--db', url], ['serve', '--port', '0', '--db', url, '--tokens', files.tokens, '--log-level', 'silent']]) {
          const result = await tollgate(...args);
          expect(result.code, `${args[0]} ${url}`).toBe(2);
          // pg's own SECURITY WARNING about sslmode (a process warning, once per process) may come first: the error is one line, no stack.
          expect(result.err).not.toMatch(/\n\s+at /);
          expect(result.err).toMatch(/(^|\n)tollgate: --db postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/test\?[^ ]*: TLS: [^\n]+ \(store_misconfigured\)\n$/);
          expect(result.err).toMatch(says);
        }
      }
    } finally {
      await noTls.close();
      await selfSigned.close();
    }
  });

  it('answers 503 store_unavailable and /readyz 503 while the database is away, logs the store’s own warnings once, and recovers', async () => {
    database.assertReachable();
    const upstream = new URL(TEST_PG_URL);
    const proxy = new TcpProxy(upstream.hostname, Number(upstream.port || 5432));
    await proxy.start();
    const url = new URL(withPassword(TEST_PG_URL, 'hunter2-secret'));
    url.hostname = '127.0.0.1';
    url.port = String(proxy.port);
    url.searchParams.set('schema', schema);
    const server = await ServerProcess.start(files, ['--db', url.toString(), '--log-level', 'info', '--sweep-interval-ms', '100']);
    try {
      const parked = (await server.call('POST', '/api/v1/tasks', { token: tokenOf('agent'), body: PROPOSALS.human })).body.task;
      expect((await server.call('GET', '/readyz')).body).toEqual({ status: 'ready' });

      await proxy.stop();
      const calls = [
        await server.call('POST', '/api/v1/tasks', { token: tokenOf('agent'), body: PROPOSALS.auto }),
        await server.call('GET', '/api/v1/tasks', { token: tokenOf('agent') }),
        await server.call('POST', `/api/v1/approvals/${parked.approvalId}/approve`, { token: tokenOf('alice'), body: {} }),
      ];
      for (const answer of calls) {
        expect([answer.status, answer.body.code, answer.body.title, typeof answer.body.detail, answer.body.type]).toEqual([
          503,
          'store_unavailable',
          'Service Unavailable',
          'string',
          'urn:tollgate:problem:store_unavailable',
        ]);
      }
      expect((await server.call('GET', '/healthz')).body).toEqual({ status: 'ok' });
      const ready = await server.call('GET', '/readyz');
      expect(ready.status).toBe(503);
      expect(ready.body).toMatchObject({ status: 'unavailable', reason: expect.stringMatching(/^the store is unavailable \(/) });
      // Sweeps fail every 100 ms meanwhile.
      await new Promise((wait) => setTimeout(wait, 1_500));

      await proxy.start();
      await waitFor(async () => (await server.call('GET', '/readyz')).status === 200);
      await waitFor(() => server.stderr.includes('sweep works again'));
      expect((await server.call('POST', `/api/v1/approvals/${parked.approvalId}/approve`, { token: tokenOf('alice'), body: {} })).status).toBe(200);
    } finally {
      await server.stop();
      await proxy.stop();
    }
    const lines = server.stderr.split('\n').filter(Boolean).map((line) => JSON.parse(line) as { level: number; msg: string });
    const said = (text: string) => lines.filter((line) => line.msg.includes(text));
    // The store's own warnings reach the log now (it is given the server's logger).
    expect(said('postgres store: journal LISTEN connection failed; reconnecting').length).toBeGreaterThanOrEqual(1);
    // About fifteen failed sweeps: one line when they began, one when they ended.
    expect(said('sweep failed; retrying')).toHaveLength(1);
    expect(said('sweep still failing')).toHaveLength(0);
    expect(said('sweep works again')).toHaveLength(1);
    expect(lines.filter((line) => line.level >= 50)).toEqual([]);
    expect(server.stderr).not.toMatch(/hunter2|\\n\s+at /);
  });
});

async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((wait) => setTimeout(wait, 50));
  }
}

/** A TCP proxy in front of PostgreSQL that a test stops (refusing and cutting connections, like a database that went down) and starts again on the same port. */
class TcpProxy {
  #server: net.Server | null = null;
  readonly #sockets = new Set<net.Socket>();
  port = 0;

  constructor(
    readonly host: string,
    readonly upstreamPort: number,
  ) {}

  async start(): Promise<void> {
    const server = net.createServer((client) => {
      const upstream = net.connect(this.upstreamPort, this.host);
      for (const socket of [client, upstream]) this.#sockets.add(socket);
      client.pipe(upstream);
      upstream.pipe(client);
      const end = () => {
        client.destroy();
        upstream.destroy();
        this.#sockets.delete(client);
        this.#sockets.delete(upstream);
      };
      for (const socket of [client, upstream]) {
        socket.on('error', end);
        socket.on('close', end);
      }
    });
    await new Promise<void>((ready) => server.listen(this.port, '127.0.0.1', ready));
    this.port = (server.address() as net.AddressInfo).port;
    this.#server = server;
  }

  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = null;
    for (const socket of this.#sockets) socket.destroy();
    this.#sockets.clear();
    if (server) await new Promise<void>((done) => server.close(() => done()));
  }
}

/**
 * A stand-in for a PostgreSQL server at the TLS step, the only one a TLS mistake reaches: it
 * answers the client's SSLRequest "N" (no TLS, as a server without `ssl = on` does) or "S" and
 * then a handshake with a self-signed certificate (made with openssl).
 */
async function fakePostgres(dir: string, kind: 'no-tls' | 'self-signed'): Promise<{ port: number; close: () => Promise<void> }> {
  let credentials: { key: Buffer; cert: Buffer } | null = null;
  if (kind === 'self-signed') {
    const key = join(dir, 'fake-pg-key.pem');
    const cert = join(dir, 'fake-pg-cert.pem');
    const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1'], { encoding: 'utf8' });
    if (made.status !== 0) throw new Error(`openssl could not make a test certificate: ${made.stderr || made.error}`);
    credentials = { key: readFileSync(key), cert: readFileSync(cert) };
  }
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
    socket.once('data', () => {
      if (credentials === null) {
        socket.write('N');
        return;
      }
      socket.write('S');
      new tls.TLSSocket(socket, { isServer: true, ...credentials }).on('error', () => undefined);
    });
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((done) => server.close(() => done()));
    },
  };
}
