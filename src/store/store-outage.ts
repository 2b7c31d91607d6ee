import { GateError, StoreUnavailableError } from '../errors.ts';

// What a store's failure means: an outage of the environment (the database away, the disk
// full) or a bug. The error classes are in errors.ts; this is how a driver's errors are read.

/** Node errno codes of a connection that could not be made, or was cut. */
const CONNECTION_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'EHOSTDOWN', 'ENETUNREACH', 'ENETDOWN', 'ENOTFOUND', 'EAI_AGAIN']);
/**
 * SQLSTATEs of a PostgreSQL server that is not there for us just now: class 08 (connection
 * exceptions), 57P01–57P03 (shut down by an administrator or a crash, not accepting connections
 * yet), class 53 (out of connections, disk or memory), 25006 (now a read-only standby, after a
 * failover), and a database or role removed, or a password changed, under a running server.
 */
const UNAVAILABLE_SQLSTATE = /^(08...|57P0[123]|53...|25006|3D000|28000|28P01)$/;
/** SQLite, beyond its busy timeout or out of disk: SQLITE_BUSY*, SQLITE_IOERR*, SQLITE_FULL. */
const UNAVAILABLE_SQLITE = /^SQLITE_(BUSY|IOERR|FULL)(_|$)/;
/**
 * pg raises a lost or timed-out connection without any code, so here, and only here, the
 * message text is what there is to go by.
 */
const PG_CONNECTION_LOST = /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error and is not queryable|Query read timeout)/;

/**
 * Why `error` means the store is unavailable (its code, or pg's sentence), or undefined when it
 * does not (a bug, a refusal, a conflict). Looks through `cause` chains and AggregateErrors (a
 * host with several addresses fails with one error per address). A GateError other than
 * StoreUnavailableError is never an outage: it was raised on purpose.
 * @example storeUnavailableReason(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })) // 'ECONNREFUSED'
 */
export function storeUnavailableReason(error: unknown, depth = 0): string | undefined {
  if (typeof error !== 'object' || error === null || depth > 5) return undefined;
  if (error instanceof StoreUnavailableError) return error.reason;
  if (error instanceof GateError) return undefined;
  const code: unknown = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (CONNECTION_ERRNOS.has(code) || UNAVAILABLE_SQLSTATE.test(code) || UNAVAILABLE_SQLITE.test(code))) return code;
  const message: unknown = (error as { message?: unknown }).message;
  if (typeof message === 'string' && PG_CONNECTION_LOST.test(message)) return message.slice(0, 100);
  if (error instanceof AggregateError) {
    for (const inner of error.errors) {
      const reason = storeUnavailableReason(inner, depth + 1);
      if (reason !== undefined) return reason;
    }
  }
  return storeUnavailableReason((error as { cause?: unknown }).cause, depth + 1);
}

/**
 * `error` as a StoreUnavailableError when it means the store is unavailable (see
 * `storeUnavailableReason`), keeping it as the cause; otherwise undefined.
 * @example app.onError((error) => problemFromError(asStoreUnavailable(error) ?? error))
 */
export function asStoreUnavailable(error: unknown): StoreUnavailableError | undefined {
  if (error instanceof StoreUnavailableError) return error;
  const reason = storeUnavailableReason(error);
  return reason === undefined ? undefined : new StoreUnavailableError(reason, error);
}

/**
 * An error as one log line wants it, without its stack: its code (errno, SQLSTATE, SQLite or
 * Tollgate code) when it has one, and its message (an AggregateError's first inner message
 * when its own is empty).
 * @example logger.warn(failureSummary(error), 'sweep failed')
 */
export function failureSummary(error: unknown): { code?: string; message: string } {
  if (typeof error !== 'object' || error === null) return { message: String(error) };
  const code: unknown = (error as { code?: unknown }).code;
  let message = String((error as { message?: unknown }).message ?? '');
  if (!message && error instanceof AggregateError) message = error.errors.map((inner) => String((inner as Error)?.message)).join('; ');
  return typeof code === 'string' ? { code, message: message.slice(0, 500) } : { message: message.slice(0, 500) };
}
