import { z } from 'zod';
import { isJsonValue, type JsonValue } from '../model/json.ts';
import { scanStrings } from '../policy/detectors/scan.ts';
import { secrets } from '../policy/detectors/secrets.ts';
import { retryAfterMs } from '../util/retry-after.ts';
import { parseInput } from './validate.ts';
import type { ExecutionRequest, Executor } from './executor.ts';
import { fetchNeverSent } from '../util/fetch-failure.ts';
import { unsafeIntegerAt } from '../util/unsafe-integer.ts';
import { readBoundedText } from './bounded-body.ts';
import { MAX_RESULT_BYTES } from './executor-result.ts';

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

/** The executor createHttpExecutor builds: idempotent, and its results are the endpoint's JSON. */
export interface HttpExecutor extends Executor {
  execute(request: ExecutionRequest): Promise<JsonValue>;
  readonly idempotent: true;
}

/**
 * 4xx answers that say the request was not taken up, so asking again is right: 408 (Request
 * Timeout: it gave up waiting for the request) and 425 (Too Early: it will not process it yet).
 */
const NOT_PROCESSED: ReadonlySet<number> = new Set([408, 425]);

/** A header name fetch can send: an HTTP token. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** A header value fetch can send: Latin-1 text without line breaks or NUL (it trims white space). */
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/**
 * Extra headers, checked at start: fetch refuses a bad one on every call, quoting its value — an
 * authorization read from a file of two lines would fail each task with the secret in its error.
 * The message names the header, never its value.
 */
const HttpHeaders = z.record(z.string(), z.string()).superRefine((headers, ctx) => {
  for (const [name, value] of Object.entries(headers)) {
    if (!HEADER_NAME.test(name)) ctx.addIssue({ code: 'custom', path: [name], message: 'not a valid HTTP header name' });
    else if (!HEADER_VALUE.test(value)) {
      const message = 'not a valid HTTP header value (it holds a line break, a NUL or a character beyond Latin-1): check how it was set (TOLLGATE_EXECUTOR_AUTHORIZATION for tollgate serve)';
      ctx.addIssue({ code: 'custom', path: [name], message });
    }
  }
});

/** What createHttpExecutor accepts, checked at once (an embedder's mistake is a ValidationError, not a failed task later). */
const HttpExecutorOptionsSchema = z.object({
  url: z
    .url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' })
    .refine((url) => !URL.canParse(url) || (new URL(url).username === '' && new URL(url).password === ''), {
      message: 'the URL carries a user or password, which fetch() refuses to send (and which would show in task errors): pass credentials as a header (headers: { authorization }, or TOLLGATE_EXECUTOR_AUTHORIZATION for tollgate serve)',
    }),
  maxAttempts: z.number().int().min(1).max(100).optional(),
  baseDelayMs: z.number().min(0).max(600_000).optional(),
  maxDelayMs: z.number().min(0).max(3_600_000).optional(),
  timeoutMs: z.number().int().min(1).max(3_600_000).optional(),
  headers: HttpHeaders.optional(),
  fetch: z.custom<typeof fetch>((value) => typeof value === 'function', 'expected a function').optional(),
  sleep: z.custom<(ms: number) => Promise<void>>((value) => typeof value === 'function', 'expected a function').optional(),
});

/** The endpoint as errors name it: scheme, host and path, never a query string or credentials. */
function endpointName(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}`;
}

/**
 * Why the action did not run, or may have: `code` becomes the failed task's error code —
 * `executor_rejected` (it answered a 4xx other than 408, 409 and 425, or a redirect: it refused the action), `executor_unavailable` (it kept
 * answering 5xx or 429 through every attempt), `executor_unreachable` (no connection was ever
 * made: it did not run), `execution_outcome_unknown` (a request went out and no answer came
 * back, timed out or cut, or a 409 or 303: it may have run; the endpoint knows, by the
 * Idempotency-Key), `executor_result_invalid` (a 2xx over 1 MiB: it ran, its answer is not kept).
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
 * 429 are retried with exponential backoff (honouring `Retry-After`), up to `maxAttempts`, and
 * so is a 409 (the Idempotency-Key convention: this key is still in progress, so the outcome is
 * unknown if it lasts); any other 4xx fails at once. The task then fails with the error. Because the endpoint
 * dedupes by the key, a retry (or a call again after a crash) never runs the action twice:
 * the executor is `idempotent`.
 * The answer is the endpoint's JSON body, or `{ status }` when it has none.
 * @example createEngine({ store, executor: createHttpExecutor({ url: 'https://ops.example/run' }) })
 */
export function createHttpExecutor(options: HttpExecutorOptions): HttpExecutor {
  parseInput(HttpExecutorOptionsSchema, options, 'HTTP executor options (createHttpExecutor)');
  // The endpoint as messages name it: task errors are kept in the task and the audit for good,
  // and read by every token, so never a query string (tokens travel there) or a user:password.
  const endpoint = endpointName(options.url);
  const configuredSecrets = secretsOf(options);
  const maxAttempts = Math.max(1, options.maxAttempts ?? 5);
  const baseDelayMs = options.baseDelayMs ?? 200;
  const maxDelayMs = options.maxDelayMs ?? 5_000;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const doFetch = options.fetch ?? fetch;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));

  const attempt = async (request: ExecutionRequest): Promise<{ retry: false; value: JsonValue } | { retry: true; error: HttpExecutorError; afterMs?: number }> => {
    // The engine's stop signal (executorTimeoutMs) ends the attempt too; it is no part of the body.
    const { signal: stop, ...body } = request;
    let response: Response;
    try {
      response = await doFetch(options.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': request.idempotencyKey, ...options.headers },
        body: JSON.stringify(body),
        signal: stop ? AbortSignal.any([AbortSignal.timeout(timeoutMs), stop]) : AbortSignal.timeout(timeoutMs),
        // Never followed: fetch turns a POST answered 301/302 into a GET of the Location (an SSO
        // login page answers it 200, and the task would complete without the action having run).
        redirect: 'manual',
      });
    } catch (error) {
      const reached = !fetchNeverSent(error);
      const code = reached ? 'execution_outcome_unknown' : 'executor_unreachable';
      // Masked: fetch quotes a value it refuses, and a task error is read by every token.
      const why = masked(describeFetchError(error, timeoutMs), configuredSecrets);
      const what = reached ? `no answer (${why}): the endpoint may have run it` : `failed: ${why}`;
      return { retry: true, error: new HttpExecutorError(code, `POST ${endpoint} ${what}`, null, 0) };
    }
    if (response.status >= 300 && response.status < 400) throw redirectError(response, options.url, endpoint);
    let text: string | null;
    try {
      text = await readBoundedText(response, MAX_RESULT_BYTES);
    } catch (error) {
      // A success whose body was cut off (timed out, connection reset) is no answer: asked again
      // with the same key, the endpoint answers its result; an error's body is only its excerpt.
      if (response.ok) {
        const what = `answered ${response.status} but its body was cut off (${masked(describeFetchError(error, timeoutMs), configuredSecrets)}): the endpoint may have run it`;
        return { retry: true, error: new HttpExecutorError('execution_outcome_unknown', `POST ${endpoint} ${what}`, null, 0) };
      }
      text = '';
    }
    if (text === null) {
      // Past what a result may be: not read on (an artifact answered whole took the gate's memory).
      const over = `answered ${response.status} with a body over ${MAX_RESULT_BYTES} bytes`;
      if (response.ok) throw new HttpExecutorError('executor_result_invalid', `POST ${endpoint} ${over}: the action ran, but its answer is too large to keep as the task's result`, response.status, 0);
      text = `(${over}, not read)`;
    }
    if (response.ok) return { retry: false, value: parseAnswer(masked(text, configuredSecrets), response.status) };
    if (response.status === 409) {
      // The Idempotency-Key convention: a request with this key is still being processed (asked
      // again after a timed-out attempt or a crash). Not a refusal: it may be running; ask again.
      const what = `answered 409 (a request with this Idempotency-Key is still in progress: ${answerExcerpt(text, configuredSecrets)}): the endpoint may be running it`;
      const error = new HttpExecutorError('execution_outcome_unknown', `POST ${endpoint} ${what}`, 409, 0);
      return askAgain(error, response);
    }
    if (response.status === 429 || response.status >= 500 || NOT_PROCESSED.has(response.status)) {
      // The endpoint is down or busy, or did not take the request up (408, 425): its own trouble,
      // tried again, and if it lasts the task fails executor_unavailable (an infrastructure
      // failure, not the agent's: see error-rate.ts).
      const error = new HttpExecutorError('executor_unavailable', `POST ${endpoint} answered ${response.status}: ${answerExcerpt(text, configuredSecrets)}`, response.status, 0);
      return askAgain(error, response);
    }
    throw new HttpExecutorError('executor_rejected', `POST ${endpoint} answered ${response.status}: ${answerExcerpt(text, configuredSecrets)}`, response.status, 0);
  };

  return {
    idempotent: true,
    async execute(request) {
      let last: HttpExecutorError | undefined;
      let unknown: HttpExecutorError | undefined;
      for (let n = 1; n <= maxAttempts; n += 1) {
        // Stopped by the engine (its executorTimeoutMs ran out): no more attempts.
        if (request.signal?.aborted) break;
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

/** Shorter configured values are not masked: they would mask ordinary words of the answer. */
const MIN_SECRET_LENGTH = 8;

/**
 * What this executor sends that the endpoint must not have echoed into a task error: every
 * header value (the whole `Bearer X` and its token alone) and the URL's query values.
 */
function secretsOf(options: HttpExecutorOptions): string[] {
  const values: string[] = [];
  for (const value of Object.values(options.headers ?? {})) values.push(value, value.replace(/^\S+\s+/, ''));
  try {
    for (const value of new URL(options.url).searchParams.values()) values.push(value);
  } catch {
    // Not a URL fetch can send to: no query to mask.
  }
  // Longest first, so a token is not masked inside its own `Bearer X` before the whole is.
  return [...new Set(values.map((value) => value.trim()))].filter((value) => value.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
}

/**
 * `text` with every configured value replaced by `***`. A successful answer is kept as the task's
 * result (read by every token) and an error's excerpt in its error, so an endpoint that echoes
 * the request must not leave the executor's own credentials there.
 * @example masked('echo: Bearer s3cr3t-t0ken', ['Bearer s3cr3t-t0ken']) // 'echo: ***'
 */
function masked(text: string, configured: readonly string[]): string {
  let out = text;
  for (const value of configured) if (out.includes(value)) out = out.split(value).join('***');
  return out;
}

/**
 * The start of an endpoint's error answer, as a task error keeps it — for good, in the task and
 * the audit chain, readable by every token: the configured header and query values masked, and
 * nothing of it when it still holds a credential (an endpoint that echoes its request).
 * @example answerExcerpt('bad auth Bearer s3cr3t-t0ken', ['Bearer s3cr3t-t0ken']) // 'bad auth ***'
 */
function answerExcerpt(text: string, configured: readonly string[]): string {
  // Masked before it is cut, so a value across the cut is not kept in part.
  const excerpt = masked(text.slice(0, 500 + (configured[0]?.length ?? 0)), configured).slice(0, 500);
  const answer = { answer: excerpt };
  return secrets.detect(scanStrings(answer), answer).length > 0 ? '(the answer held a credential; not kept)' : excerpt;
}

/** An attempt to repeat, after the endpoint's `Retry-After` when it gave one. */
function askAgain(error: HttpExecutorError, response: Response): { retry: true; error: HttpExecutorError; afterMs?: number } {
  const afterMs = retryAfterMs(response.headers.get('retry-after'));
  return afterMs === undefined ? { retry: true, error } : { retry: true, error, afterMs };
}

/**
 * A redirect, not followed. A 303 (See Other) says the POST was handled and its answer is
 * elsewhere: it may have run, so the outcome is unknown. Any other moves the endpoint: the action
 * was not run, and the operator sets the executor URL to the one that runs actions. The Location
 * is named like the endpoint, without its query string.
 */
function redirectError(response: Response, url: string, endpoint: string): HttpExecutorError {
  void response.body?.cancel().catch(() => undefined);
  const location = response.headers.get('location');
  const target = location !== null && URL.canParse(location, url) ? endpointName(new URL(location, url).href) : '(no Location)';
  if (response.status === 303) {
    return new HttpExecutorError('execution_outcome_unknown', `POST ${endpoint} answered 303, see ${target} (not followed): the endpoint may have run it`, 303, 0);
  }
  const advice = 'not followed, the action was not sent there: set the executor URL to the one that runs actions';
  return new HttpExecutorError('executor_rejected', `POST ${endpoint} answered ${response.status}, a redirect to ${target} (${advice})`, response.status, 0);
}

function describeFetchError(error: unknown, timeoutMs: number): string {
  if ((error as Error)?.name === 'TimeoutError') return `timed out after ${timeoutMs} ms`;
  const cause = (error as { cause?: { message?: unknown } })?.cause;
  const detail = typeof cause?.message === 'string' ? `: ${cause.message}` : '';
  return `${(error as Error)?.message ?? String(error)}${detail}`;
}

/**
 * The task's result from a 2xx answer's text: its JSON; `{ status, body }` when it is not JSON,
 * or when it holds an integer a double cannot keep (a 64-bit id, which JSON.parse would round: an
 * agent acting on the rounded id would act on another resource) — then the exact text is kept.
 */
function parseAnswer(text: string, status: number): JsonValue {
  if (text.trim() === '') return { status };
  try {
    const value: unknown = JSON.parse(text);
    if (unsafeIntegerAt(value, text) !== null) return { status, body: text };
    return isJsonValue(value) ? value : { status };
  } catch {
    return { status, body: text.slice(0, 10_000) };
  }
}
