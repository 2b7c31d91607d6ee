import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresStore } from '../../src/store/postgres.ts';
import { storeUnavailableReason } from '../../src/store/store-outage.ts';
import { insertOf, taskIdOf, taskRecord } from './fixtures.ts';
import { TEST_PG_URL, TestDatabase, testSchemaName } from './postgres-harness.ts';

// A failover whose old primary drops packets (or a NAT that forgot the connections): the store's
// open connections go silent — no answer, no FIN, no RST — while new ones reach the database.
// Found by the PostgreSQL trial: every write then hung (the group-commit writer waited on its
// silent connection as long as the kernel retransmits, ~15 min) while /readyz, on a new
// connection, said ready.

/** A started SilencingProxy in front of the test database, and the test database's URL through it. */
async function proxyToTestDatabase(): Promise<{ proxy: SilencingProxy; url: URL }> {
  const upstream = new URL(TEST_PG_URL);
  const proxy = new SilencingProxy(upstream.hostname, Number(upstream.port || 5432));
  await proxy.start();
  const url = new URL(TEST_PG_URL);
  url.hostname = '127.0.0.1';
  url.port = String(proxy.port);
  return { proxy, url };
}

describe('the PostgreSQL store when its open connections go silent', () => {
  const database = new TestDatabase();
  const schema = testSchemaName('silent');
  beforeAll(() => database.connect());
  afterAll(() => database.end([schema]));

  it('a write on a silent connection fails within queryTimeoutMs, as the store unavailable, and the next runs on a new connection', async () => {
    database.assertReachable();
    const { proxy, url } = await proxyToTestDatabase();
    const store = await openPostgresStore({ connectionString: url.toString(), schema, queryTimeoutMs: 1_000 });
    try {
      await store.commit(insertOf(taskRecord(1)));
      proxy.silenceOpenConnections();
      const started = Date.now();
      const cut = await store.commit(insertOf(taskRecord(2))).catch((error: unknown) => error);
      expect(Date.now() - started).toBeLessThan(6_000);
      expect(storeUnavailableReason(cut)).toBeDefined();
      // The silent connection was dropped, not given back to the pool: the gate writes again.
      await store.commit(insertOf(taskRecord(3)));
      expect((await store.getTask(taskIdOf(3)))?.id).toBe(taskIdOf(3));
      expect((await store.getTask(taskIdOf(1)))?.id).toBe(taskIdOf(1));
    } finally {
      proxy.stop();
      await store.close();
    }
  });

  it('a worker whose connection went silent in the middle of its transaction holds up no other worker for longer than queryTimeoutMs', async () => {
    database.assertReachable();
    const { proxy, url } = await proxyToTestDatabase();
    const cutOff = await openPostgresStore({ connectionString: url.toString(), schema, queryTimeoutMs: 1_000 });
    const other = await openPostgresStore({ connectionString: TEST_PG_URL, schema, queryTimeoutMs: 10_000 });
    try {
      // Silent once its batch statement, which locks the journal head every write needs, reached
      // the database: the transaction stays open there, holding it (the database sees its
      // client as connected: the proxy is).
      proxy.silenceAfter('tollgate_batch_follow_up');
      const cut = await cutOff.commit(insertOf(taskRecord(11))).catch((error: unknown) => error);
      expect(storeUnavailableReason(cut)).toBeDefined();
      const started = Date.now();
      await other.commit(insertOf(taskRecord(12)));
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(await other.getTask(taskIdOf(11))).toBeNull();
    } finally {
      proxy.stop();
      await Promise.all([cutOff.close(), other.close()]);
    }
  });

  it('refuses a query timeout that is not a positive whole number of ms', async () => {
    await expect(openPostgresStore({ connectionString: TEST_PG_URL, queryTimeoutMs: 0 })).rejects.toMatchObject({ code: 'validation_failed' });
  });
});

/** A TCP proxy in front of PostgreSQL whose open connections can be made silent, forever; new ones still go through. */
class SilencingProxy {
  readonly #server: net.Server;
  readonly #sockets = new Set<net.Socket>();
  readonly #open = new Set<{ silent: boolean }>();
  #silenceAfter: string | null = null;
  port = 0;

  constructor(host: string, upstreamPort: number) {
    this.#server = net.createServer((client) => {
      const upstream = net.connect(upstreamPort, host);
      const pair = { silent: false };
      this.#open.add(pair);
      for (const socket of [client, upstream]) {
        this.#sockets.add(socket);
        socket.on('error', () => undefined);
        socket.on('close', () => this.#sockets.delete(socket));
      }
      client.on('data', (chunk: Buffer) => {
        if (pair.silent) return;
        upstream.write(chunk);
        if (this.#silenceAfter !== null && chunk.includes(this.#silenceAfter)) {
          this.#silenceAfter = null;
          pair.silent = true;
        }
      });
      upstream.on('data', (chunk) => pair.silent || client.write(chunk));
      client.on('close', () => pair.silent || upstream.destroy());
      upstream.on('close', () => pair.silent || client.destroy());
    });
  }

  async start(): Promise<void> {
    await new Promise<void>((ready) => this.#server.listen(0, '127.0.0.1', ready));
    this.port = (this.#server.address() as net.AddressInfo).port;
  }

  silenceOpenConnections(): void {
    for (const pair of this.#open) pair.silent = true;
    this.#open.clear();
  }

  /** The first connection to send `text` goes silent once that message is passed on. */
  silenceAfter(text: string): void {
    this.#silenceAfter = text;
  }

  stop(): void {
    for (const socket of this.#sockets) socket.destroy();
    this.#server.close();
  }
}
