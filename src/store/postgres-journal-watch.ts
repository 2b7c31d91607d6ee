import type pg from 'pg';
import type { Logger } from 'pino';
import { failureSummary } from './store-outage.ts';
import { FailureStreak } from '../util/failure-streak.ts';
import { JOURNAL_CHANNEL } from './postgres-schema.ts';

/**
 * One LISTEN connection per store, shared by every watcher: calls each listener when a commit
 * of any process appended to this schema's journal. If the connection drops it is opened again
 * after a pause, and every listener is called once then (something may have been missed).
 * While the database is down, the retries are logged once, then once a minute, then their success.
 * @example const watch = new JournalWatch(pool, 'public', logger); const stop = watch.add(() => readNewEvents());
 */
export class JournalWatch {
  readonly #pool: pg.Pool;
  readonly #schema: string;
  readonly #logger: Logger | undefined;
  readonly #reconnects: FailureStreak | undefined;
  readonly #listeners = new Set<() => void>();
  #client: pg.PoolClient | null = null;
  #connecting: Promise<void> | null = null;
  #closed = false;
  #retry: NodeJS.Timeout | undefined;

  constructor(pool: pg.Pool, schema: string, logger?: Logger) {
    this.#pool = pool;
    this.#schema = schema;
    this.#logger = logger;
    this.#reconnects = logger ? new FailureStreak(logger, 'postgres store: LISTEN for journal appends') : undefined;
  }

  /** Adds a listener (connecting on the first); returns its removal. */
  add(listener: () => void): () => void {
    this.#listeners.add(listener);
    if (!this.#client && !this.#connecting) this.#connect();
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /** Stops listening and gives the connection back. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#retry);
    await this.#connecting?.catch(() => undefined);
    const client = this.#client;
    this.#client = null;
    if (client) {
      await client.query(`UNLISTEN ${JOURNAL_CHANNEL}`).catch(() => undefined);
      client.release();
    }
  }

  #connect(): void {
    this.#connecting = (async () => {
      const client = await this.#pool.connect();
      if (this.#closed) {
        client.release();
        return;
      }
      client.on('notification', (message) => {
        if (message.channel === JOURNAL_CHANNEL && message.payload === this.#schema) this.#wake();
      });
      client.on('error', (error) => {
        // Without the error object: pg hangs the whole client (its connection parameters) on it.
        this.#logger?.warn({ ...failureSummary(error) }, 'postgres store: journal LISTEN connection failed; reconnecting');
        if (this.#client === client) this.#client = null;
        client.release(error);
        this.#scheduleReconnect();
      });
      await client.query(`LISTEN ${JOURNAL_CHANNEL}`);
      this.#client = client;
      this.#reconnects?.succeeded();
      this.#wake();
    })()
      .catch((error: unknown) => {
        this.#reconnects?.failed(error);
        this.#scheduleReconnect();
      })
      .finally(() => {
        this.#connecting = null;
      });
  }

  #scheduleReconnect(): void {
    if (this.#closed || this.#listeners.size === 0) return;
    clearTimeout(this.#retry);
    this.#retry = setTimeout(() => this.#connect(), 1_000);
    this.#retry.unref?.();
  }

  #wake(): void {
    for (const listener of this.#listeners) {
      try {
        listener();
      } catch (error) {
        this.#logger?.error({ err: error }, 'postgres store: a journal listener threw');
      }
    }
  }
}
