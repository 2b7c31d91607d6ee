/**
 * Tollgate's error tree. Callers branch on the class or on `code`, never on message text.
 * `httpStatus` is the one place codes map to HTTP statuses.
 */

/** Stable error codes. */
export const ERROR_CODES = {
  validation_failed: 400,
  unauthorized: 401,
  forbidden: 403,
  self_approval: 403,
  risk_exceeds_role: 403,
  not_found: 404,
  not_pending: 409,
  already_voted: 409,
  invalid_transition: 409,
  stale_revision: 409,
  duplicate_idempotency_key: 409,
  task_exists: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  /** A per-principal or per-server limit of the HTTP server: come back after `Retry-After`. */
  too_many_requests: 429,
  snapshot_invalid: 500,
  store_closed: 503,
  store_in_use: 503,
  /** The store cannot be reached or cannot write just now (a database outage, a full disk): not a bug; retry after `Retry-After`. */
  store_unavailable: 503,
  /** The store a command names cannot be opened as given (no such database, role or directory; no permission; a newer schema): fix the configuration. */
  store_misconfigured: 503,
  engine_closed: 503,
  /** The server is shutting down: nothing was done; retry after `Retry-After`, on this server's successor or another worker. */
  shutting_down: 503,
  /** The CLI could not reach the server (refused, timed out, DNS): nothing was asked. */
  server_unreachable: 503,
  /** The CLI's request went out and no answer came (the connection was cut: a server killed mid-request): it may have been done. */
  server_no_answer: 503,
  listen_failed: 500,
  execution_outcome_unknown: 500,
  executor_result_invalid: 500,
  internal: 500,
} as const;
export type ErrorCode = keyof typeof ERROR_CODES;

/** The HTTP status for an error code. */
export function httpStatus(code: ErrorCode): number {
  return ERROR_CODES[code];
}

/** Base class of every error Tollgate raises on purpose. */
export class GateError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;
  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.details = details;
  }
}

/** One problem with an input, with the path to the offending field. */
export interface ValidationIssue {
  path: string;
  message: string;
}

/** An input from outside failed validation; nothing was changed. */
export class ValidationError extends GateError {
  readonly issues: ValidationIssue[];
  constructor(message: string, issues: ValidationIssue[] = []) {
    super('validation_failed', message, { issues });
    this.issues = issues;
  }
}

/** The caller may not do this. */
export class ForbiddenError extends GateError {
  constructor(
    message: string,
    code: 'forbidden' | 'self_approval' | 'risk_exceeds_role' = 'forbidden',
  ) {
    super(code, message);
  }
}

/** No such task or approval. */
export class NotFoundError extends GateError {
  constructor(what: string, id: string) {
    super('not_found', `${what} ${id} not found`, { id });
  }
}

/** A decision or action lost a race, or came too late: nothing changed. */
export class ConflictError extends GateError {
  constructor(
    code: 'not_pending' | 'already_voted' | 'invalid_transition' | 'stale_revision',
    message: string,
  ) {
    super(code, message);
  }
}

/** The stored row changed since it was read (compare-and-set failed). */
export class StaleRevisionError extends ConflictError {
  readonly taskId: string;
  readonly expected: number | null;
  readonly actual: number | null;
  constructor(taskId: string, expected: number | null, actual: number | null) {
    super('stale_revision', `task ${taskId} is at revision ${actual}, expected ${expected}`);
    this.taskId = taskId;
    this.expected = expected;
    this.actual = actual;
  }
}

/** The agent already submitted a task with this idempotency key. */
export class DuplicateIdempotencyKeyError extends GateError {
  readonly existingTaskId: string;
  constructor(existingTaskId: string) {
    super('duplicate_idempotency_key', `idempotency key already used by task ${existingTaskId}`, {
      existingTaskId,
    });
    this.existingTaskId = existingTaskId;
  }
}

/**
 * Refused by a limit (too many event streams of one principal, proposals faster than its rate,
 * an audit verification while another runs or rests): nothing was done; the same request may
 * succeed after `retryAfterSeconds`, which the server sends as `Retry-After`.
 */
export class TooManyRequestsError extends GateError {
  /** Whole seconds, at least 1 (HTTP's `Retry-After` takes no fractions). */
  readonly retryAfterSeconds: number;
  constructor(message: string, retryAfterMs: number) {
    const retryAfterSeconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
    super('too_many_requests', message, { retryAfterSeconds });
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/**
 * The server began shutting down before this request ran (or while a long-poll waited): nothing
 * was done. The client retries after `retryAfterSeconds` (the server sends it as `Retry-After`),
 * against the server's successor or another worker.
 */
export class ShuttingDownError extends GateError {
  /** Whole seconds, at least 1. */
  readonly retryAfterSeconds: number;
  constructor(message: string, retryAfterSeconds = 1) {
    const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
    super('shutting_down', message, { retryAfterSeconds: seconds });
    this.retryAfterSeconds = seconds;
  }
}

/** A task with this id already exists. */
export class TaskExistsError extends GateError {
  readonly taskId: string;
  constructor(taskId: string) {
    super('task_exists', `task ${taskId} already exists`);
    this.taskId = taskId;
  }
}

/** A persisted snapshot failed validation or has no migration to this machine version. */
export class SnapshotInvalidError extends GateError {
  constructor(message: string) {
    super('snapshot_invalid', message);
  }
}

/** The store or engine was closed. */
export class ClosedError extends GateError {
  constructor(what: 'store' | 'engine', message = `${what} is closed`) {
    super(what === 'store' ? 'store_closed' : 'engine_closed', message);
  }
}

/**
 * Another process has this embedded store open. An embedded (SQLite) store has one owner: two
 * engines on one file would each take the other's executing tasks for interrupted ones and run
 * them again.
 */
export class StoreInUseError extends GateError {
  /** `by`: another process holds the store, or this one does (it is open here already). */
  constructor(path: string, by: 'another process' | 'this process' = 'another process') {
    super(
      'store_in_use',
      by === 'this process'
        ? `${path} is already open in this process: close that store first, or share its Store object (an embedded SQLite store has one owner)`
        : `${path} is in use by another Tollgate process: stop it first (an embedded SQLite store has one owner; share PostgreSQL to run several)`,
    );
  }
}

/** Whole seconds a client is told to wait after a store outage answer: long enough for a failover or restart to begin to show. */
const STORE_RETRY_AFTER_SECONDS = 5;

/**
 * The store could not be reached, or could not read or write just now: a PostgreSQL server
 * refusing or dropping connections (down, restarting, failing over), an SQLite file busy beyond
 * its timeout, an I/O error, a full disk. An outage of the environment, not a bug: the server
 * answers 503 with `Retry-After`. A write cut off mid-way may or may not have been made; a
 * proposal retried with its `idempotencyKey` is safe.
 */
export class StoreUnavailableError extends GateError {
  /** What failed: an errno (`ECONNREFUSED`), a SQLSTATE (`57P01`), an SQLite code (`SQLITE_FULL`), or pg's sentence when it gives no code. */
  readonly reason: string;
  /** Whole seconds, at least 1. */
  readonly retryAfterSeconds: number;
  constructor(reason: string, cause?: unknown, retryAfterSeconds = STORE_RETRY_AFTER_SECONDS) {
    super('store_unavailable', `the store is unavailable (${reason}); try again after Retry-After seconds`, { reason, retryAfterSeconds });
    this.reason = reason;
    this.retryAfterSeconds = Math.max(1, Math.ceil(retryAfterSeconds));
    if (cause !== undefined) this.cause = cause;
  }
}

/** The store a command names cannot be opened as configured; the message names the file or database (never a password). */
export class StoreMisconfiguredError extends GateError {
  constructor(message: string) {
    super('store_misconfigured', message);
  }
}

/**
 * The server could not listen: the port is taken, the host unknown, or binding it is not allowed.
 * `portOption` is how the caller picks another port (`npm start -- --port N` under npm start,
 * where a bare `--port` is npm's own option).
 */
export class ListenError extends GateError {
  constructor(host: string, port: number, cause: Error, portOption = '--port') {
    const code: unknown = (cause as { code?: unknown }).code;
    const errno = typeof code === 'string' ? code : undefined;
    const why =
      errno === 'EADDRINUSE'
        ? `the port is in use by another process (stop it, or pick another with ${portOption}; 0 picks a free one)`
        : errno === 'EACCES'
          ? 'not allowed to bind this port (ports below 1024 need privileges)'
          : cause.message;
    super('listen_failed', `cannot listen on ${host}:${port}: ${why}`, errno ? { errno } : undefined);
    this.cause = cause;
  }
}

/** Whether a value is a GateError with this code. */
export function hasCode(error: unknown, code: ErrorCode): error is GateError {
  return error instanceof GateError && error.code === code;
}
