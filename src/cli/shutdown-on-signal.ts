import type { Logger } from '../engine/logger.ts';
import type { RunningServer } from '../server/server.ts';
import { writeErr } from './output.ts';

/** Where signals come from: the process (an emitter in tests). */
export interface SignalSource {
  on(signal: 'SIGTERM' | 'SIGINT', listener: () => void): unknown;
  off(signal: 'SIGTERM' | 'SIGINT', listener: () => void): unknown;
}

/** What `tollgate serve` does on SIGTERM/SIGINT, set up before its server starts. */
export interface SignalShutdown {
  /** The server is up: a signal closes it. Returns whether a signal already came (it is closing now). */
  attach(server: RunningServer): boolean;
  /** The server never came up: stop listening for signals. */
  cancel(): void;
}

/**
 * SIGTERM/SIGINT: a graceful shutdown (in-flight requests finish, the store closes), then exit 0.
 * Installed before the server starts; a signal that comes while it recovers is acted on as soon
 * as it is up; a second one ends the process at once. `attach` says whether one already came
 * (then the server is being closed).
 * @example const shutdown = shutdownOnSignal(logger); const server = await startServer(…); shutdown.attach(server);
 */
export function shutdownOnSignal(
  logger: Logger,
  exit: (code: number) => void = (code) => process.exit(code),
  signals: SignalSource = process,
): SignalShutdown {
  let server: RunningServer | undefined;
  let received: string | undefined;
  const stop = (running: RunningServer) => {
    running.close().then(
      () => exit(0),
      (error) => {
        writeErr(`tollgate: shutdown failed: ${(error as Error).message}\n`);
        exit(1);
      },
    );
  };
  const onSignal = (signal: string) => {
    // A second signal is Node's own again: it ends the process at once (a crash loses nothing).
    signals.off('SIGTERM', onTerm);
    signals.off('SIGINT', onInt);
    received = signal;
    logger.info({ signal }, server ? 'signal received' : 'signal received while starting: stopping once recovery is done');
    if (server) stop(server);
  };
  const onTerm = () => onSignal('SIGTERM');
  const onInt = () => onSignal('SIGINT');
  signals.on('SIGTERM', onTerm);
  signals.on('SIGINT', onInt);
  return {
    attach(running) {
      server = running;
      if (received) stop(running);
      return received !== undefined;
    },
    cancel() {
      signals.off('SIGTERM', onTerm);
      signals.off('SIGINT', onInt);
    },
  };
}
