import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Engine } from '../engine/engine-types.ts';
import { GateError, ListenError } from '../errors.ts';
import type { Logger } from '../engine/logger.ts';
import { type Sweeper, startSweeper } from '../engine/sweeper.ts';
import { createApp } from './app.ts';
import type { TokenTable } from './auth.ts';
import type { InspectionHub } from './inspection-hub.ts';
import { createMetrics } from './metrics.ts';
import type { RequestLimitOptions } from './request-limits.ts';
import { ShutdownGate } from './shutdown-gate.ts';
import { StartupGate } from './startup-gate.ts';
import { observeSweeps } from './sweep-observer.ts';
import type { TokenGrant } from './tokens-file.ts';
import { withinTime } from '../util/deadline.ts';
import type { Store } from '../store/store.ts';

/** Approvals the sweeper expires per call (its default). */
const SWEEP_BATCH = 500;

/** What `startServer` needs. It takes ownership of the engine and its store. */
export interface ServerOptions {
  /**
   * The engine, or how to make it once the port is taken: open the store there, and a server
   * that cannot listen has opened, created and migrated nothing (requests wait meanwhile).
   */
  engine: Engine | (() => Promise<Engine>);
  tokens: TokenTable | readonly TokenGrant[];
  logger: Logger;
  /** Default 3000; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** How often the sweeper applies deadlines; default 1000 ms. */
  sweepIntervalMs?: number;
  /**
   * How long shutdown waits for in-flight requests (and the sweep under way) before cutting
   * their connections, then again for the engine's executing tasks, then again for the store to
   * close; default 10 s each.
   */
  shutdownGraceMs?: number;
  heartbeatMs?: number;
  maxBodyBytes?: number;
  /** The inspection hub the engine was created with, for the visualizer's inspector. */
  inspection?: InspectionHub;
  /** What one token can make the server do; default `DEFAULT_REQUEST_LIMITS`. */
  limits?: RequestLimitOptions;
  /** Host names the server answers (others: 403), against DNS rebinding; default any. */
  allowedHosts?: readonly string[];
}

/** A server that is listening. */
export interface RunningServer {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  readonly port: number;
  /**
   * Graceful shutdown: stop accepting connections; answer requests that still arrive on open
   * ones 503 `shutting_down` (`Retry-After`, `Connection: close`) without running them; end event
   * streams; answer long-polls 503 `shutting_down`; close idle connections; let in-flight
   * requests finish (their answers close their connections) for up to `shutdownGraceMs`, then
   * cut what is left; stop the sweeper; wait up to `shutdownGraceMs` more for executing tasks
   * (`engine.close`); close the store, waiting up to `shutdownGraceMs` once more. Idempotent.
   * Rejects (`store_unavailable`) when the store does not close in that time (it does not
   * answer): nothing acknowledged is lost, what it had not written was never acknowledged.
   */
  close(): Promise<void>;
}

/**
 * Listens, makes the engine when given a function for it (opening the store), recovers
 * interrupted tasks, starts the deadline sweeper and serves the API (requests that arrive while
 * it starts wait until the interrupted tasks are restored and running again, not for their
 * executions). When it cannot listen (port taken) it throws a ListenError before making the
 * engine or recovering anything; when making the engine or recovery fails it stops listening
 * and throws. The caller still owns the engine and the store then.
 * @example
 * const server = await startServer({ engine, tokens, logger, port: 0 });
 * process.on('SIGTERM', () => server.close().then(() => process.exit(0)));
 */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const { logger } = options;
  const host = options.host ?? '127.0.0.1';
  const shutdown = new AbortController();

  // The port first: a server that cannot listen must not have opened (created, migrated) its
  // store nor recovered (run) anything.
  const gate = new StartupGate();
  const drain = new ShutdownGate(gate.fetch);
  const server = serve({ fetch: drain.fetch, port: options.port ?? 3000, hostname: host }) as Server;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
  } catch (error) {
    throw new ListenError(host, options.port ?? 3000, error as Error);
  }
  let engine: Engine;
  try {
    engine = typeof options.engine === 'function' ? await options.engine() : options.engine;
  } catch (error) {
    gate.fail();
    await closeServer(server, 1_000, logger);
    throw error;
  }
  const metrics = createMetrics(engine, { logger, defaultMetrics: true });
  const app = createApp({
    engine,
    tokens: options.tokens,
    logger,
    metrics,
    signal: shutdown.signal,
    ...(options.heartbeatMs !== undefined ? { heartbeatMs: options.heartbeatMs } : {}),
    ...(options.maxBodyBytes !== undefined ? { maxBodyBytes: options.maxBodyBytes } : {}),
    ...(options.inspection ? { inspection: options.inspection } : {}),
    ...(options.limits ? { limits: options.limits } : {}),
    ...(options.allowedHosts ? { allowedHosts: options.allowedHosts } : {}),
  });
  gate.route(app.fetch);
  const address = server.address() as AddressInfo;
  let sweeper: Sweeper;
  try {
    // Requests are let in once the interrupted tasks are restored and running (each holds its
    // task's lock), not after their executions end: an executor endpoint that hangs held every
    // request for a minute (found by an operator trial). Their recovery ends in the background.
    await new Promise<void>((resolve, reject) => {
      engine.recover({ onRestored: resolve }).then(
        (recovery) => {
          if (recovery.resumed + recovery.quarantined > 0) logger.info(recovery, 'recovered interrupted tasks');
          resolve();
        },
        (error: unknown) => {
          reject(error);
          // Once the doors are open, a late failure (the scan for lost reroutes) is logged, not fatal.
          logger.error({ err: error }, 'recovery of interrupted tasks failed');
        },
      );
    });
    // The sweeper's engine tells the metrics how each sweep ends (last success, failures).
    const swept = observeSweeps(engine, SWEEP_BATCH, (outcome) => metrics.observeSweep(outcome));
    sweeper = startSweeper(swept, { intervalMs: options.sweepIntervalMs ?? 1_000, logger, batch: SWEEP_BATCH });
  } catch (error) {
    // Whoever is waiting gets a 503, then the port is given back.
    gate.fail();
    shutdown.abort();
    await closeServer(server, 1_000, logger);
    metrics.close();
    throw error;
  }
  gate.open();
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
  logger.info({ url }, 'listening');

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      const graceMs = options.shutdownGraceMs ?? 10_000;
      // Refuse first, then end streams and long-polls: a long-poll's 503 and every answer from
      // here on carry Connection: close, so no connection outlives its last answer.
      drain.close();
      logger.info({ inFlight: drain.inFlight, graceMs }, 'shutting down: no new connections or requests, finishing in-flight requests');
      shutdown.abort();
      await Promise.all([closeServer(server, graceMs, logger), stopSweeper(sweeper, graceMs, logger)]);
      await engine.close({ timeoutMs: graceMs });
      metrics.close();
      await closeStore(engine.store, graceMs);
      logger.info({ refused: drain.refused }, 'shut down');
    })();
    return closing;
  };
  return { url, port: address.port, close };
}

/**
 * Waits up to `graceMs` for the sweep under way. A store that does not answer holds a sweep for
 * as long as its statements may take (PostgreSQL: `queryTimeoutMs`, 30 s): shutdown goes on
 * without it — what the sweep had not committed was not done.
 */
async function stopSweeper(sweeper: Sweeper, graceMs: number, logger: Logger): Promise<void> {
  try {
    await withinTime(sweeper.stop(), graceMs, () => new Error('late'));
  } catch {
    logger.warn({ graceMs }, 'shutdown: the sweep under way did not end in time (the store does not answer); going on without it');
  }
}

/**
 * Closes the store (its pending commits written), waiting up to `graceMs`. A store that does not
 * answer (a PostgreSQL gone silent: each pending commit waits out its statement timeout) must not
 * hold the process past its manager's patience; its close fails instead, and the process exits 1.
 * Nothing acknowledged is lost: a commit not yet written was never acknowledged, as in a crash.
 */
async function closeStore(store: Store, graceMs: number): Promise<void> {
  await withinTime(
    store.close(),
    graceMs,
    () =>
      new GateError(
        'store_unavailable',
        `the store did not close within ${graceMs} ms (it does not answer): commits it had not written were never acknowledged, and the next start goes on from the last commit`,
      ),
  );
}

/**
 * Stops accepting, closes idle keep-alive connections at once, lets in-flight requests finish
 * for up to `graceMs` (each connection closes after its answer: ShutdownGate), then cuts what is left.
 */
async function closeServer(server: Server, graceMs: number, logger: Logger): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const grace = setTimeout(() => {
    logger.warn({ graceMs }, 'shutdown grace over: cutting the connections of requests still in flight');
    server.closeAllConnections();
  }, graceMs);
  await closed;
  clearTimeout(grace);
}
