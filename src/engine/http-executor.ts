import { isJsonValue, type JsonValue } from '../model/json.ts';
import type { ExecutionRequest, Executor } from './executor.ts';

/** How the HTTP executor calls the host's endpoint. */
export interface HttpExecutorOptions {
  url: string;
  /** Attempts in all (first try included); default 5. */
  maxAttempts?: number;
  /** First retry delay; it doubles each time (with jitter), up to `maxDelayMs`. Default 200 ms. */
  baseDelayMs?: number;
  /** Default 5 s. */
  maxDelayMs?: number;
  /** One attempt's time limit; default 10 s. */
  timeoutMs?: number;
  /** Extra headers, e.g. the endpoint's own authorization. */
  headers?: Record<string, string>;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Why the action did not run, or may have: `code` becomes the failed task's error code —
 * `executor_rejected` (it answered an error), `executor_unreachable` (no connection was ever
 * made: it did not run), `execution_outcome_unknown` (a request went out and no answer came
 * back, timed out or cut: it may have run; the endpoint knows, by the Idempotency-Key).
 * @example if (error instanceof HttpExecutorError && error.status === 422) fixTheRequest();
 */
export class HttpExecutorError extends Error {
  readonly code: string;
  readonly status: number | null;
  readonly attempts: number;
  constructor(code: string, message: string, status: number | null, attempts: number) {
    super(message);
    this.name = 'HttpExecutorError';
    this.code = code;
    this.status = status;
    this.attempts = attempts;
  }
}

/**
 * An executor that POSTs each cleared action (the ExecutionRequest as JSON) to an HTTP
 * endpoint with an `Idempotency-Key` header (the task id). Network errors, timeouts, 5xx and
 * 429 are retried with exponential backoff (honouring `Retry-After`), up to `maxAttempts`;
 * any other 4xx fails at once. The task then fails with the error. Because the endpoint
 * dedupes by the key, a retry (or a call again after a crash) never runs the action twice:
 * the executor is `idempotent`.
 * The answer is the endpoint's JSON body, or `{ status }` when it has none.
 * @example createEngine({ store, executor: createHttpExecutor({ url: 'https://ops.example/run' }) })
 */
export function createHttpExecutor(options: HttpExecutorOptions): Executor {
  const maxAttempts = Math.max(1, options.maxAttempts ?? 5);
  const baseDelayMs = options.baseDelayMs ?? 200;
  const maxDelayMs = options.maxDelayMs ?? 5_000;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const doFetch = options.fetch ?? fetch;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));

  const attempt = async (request: ExecutionRequest): Promise<{ retry: false; value: JsonValue } | { retry: true; error: HttpExecutorError; afterMs?: number }> => {
    let response: Response;
    try {
      response = await doFetch(options.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': request.idempotencyKey, ...options.headers },
        body: JSON.stringify(request),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const reached = !neverSent(error);
      const code = reached ? 'execution_outcome_unknown' : 'executor_unreachable';
      const what = reached ? `no answer (${describeFetchError(error, timeoutMs)}): the endpoint may have run it` : `failed: ${describeFetchError(error, timeoutMs)}`;
      return { retry: true, error: new HttpExecutorError(code, `POST ${options.url} ${what}`, null, 0) };
    }
    const text = await response.text().catch(() => '');
    if (response.ok) return { retry: false, value: parseAnswer(text, response.status) };
    const error = new HttpExecutorError('executor_rejected', `POST ${options.url} answered ${response.status}: ${text.slice(0, 500)}`, response.status, 0);
    if (response.status === 429 || response.status >= 500) {
      const afterMs = retryAfterMs(response.headers.get('retry-after'));
      return afterMs === undefined ? { retry: true, error } : { retry: true, error, afterMs };
    }
    throw error;
  };

  return {
    idempotent: true,
    async execute(request) {
      let last: HttpExecutorError | undefined;
      let unknown: HttpExecutorError | undefined;
      for (let n = 1; n <= maxAttempts; n += 1) {
        const outcome = await attempt(request);
        if (!outcome.retry) return outcome.value;
        last = outcome.error;
        if (last.code === 'execution_outcome_unknown') unknown = last;
        if (n === maxAttempts) break;
        const backoff = Math.min(maxDelayMs, baseDelayMs * 2 ** (n - 1)) * (0.5 + Math.random() / 2);
        await sleep(Math.min(maxDelayMs, outcome.afterMs ?? backoff));
      }
      // One attempt that may have reached the endpoint makes the outcome unknown, whatever came after.
      if (unknown) {
        throw new HttpExecutorError(
          'execution_outcome_unknown',
          `${unknown.message}; ${maxAttempts} attempts, none answered with a result — ask the endpoint about Idempotency-Key ${request.idempotencyKey}`,
          null,
          maxAttempts,
        );
      }
      throw new HttpExecutorError(last?.code ?? 'executor_unreachable', `${last?.message ?? 'no attempt made'} (after ${maxAttempts} attempts)`, last?.status ?? null, maxAttempts);
    },
  };
}

/** Errors of a connection that was never made: the request cannot have reached the endpoint. */
const NOT_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT', 'ERR_INVALID_URL']);

/** Refusals of fetch itself, before any connection (a port browsers block, a URL it cannot parse). */
const NOT_ATTEMPTED = new Set(['bad port', 'invalid URL']);

/** Whether a fetch failure happened before the request could have been sent; anything else may have reached the endpoint. */
function neverSent(error: unknown): boolean {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } })?.cause;
  const code = typeof cause?.code === 'string' ? cause.code : (error as { code?: unknown })?.code;
  if (typeof code === 'string') return NOT_CONNECTED.has(code);
  return typeof cause?.message === 'string' && NOT_ATTEMPTED.has(cause.message);
}

function describeFetchError(error: unknown, timeoutMs: number): string {
  if ((error as Error)?.name === 'TimeoutError') return `timed out after ${timeoutMs} ms`;
  const cause = (error as { cause?: { message?: unknown } })?.cause;
  const detail = typeof cause?.message === 'string' ? `: ${cause.message}` : '';
  return `${(error as Error)?.message ?? String(error)}${detail}`;
}

function parseAnswer(text: string, status: number): JsonValue {
  if (text.trim() === '') return { status };
  try {
    const value: unknown = JSON.parse(text);
    return isJsonValue(value) ? value : { status };
  } catch {
    return { status, body: text.slice(0, 10_000) };
  }
}

function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}
