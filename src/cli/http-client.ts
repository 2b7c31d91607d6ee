import type { Command } from 'commander';
import type { z } from 'zod';
import { parseInput } from '../engine/validate.ts';
import { ERROR_CODES, type ErrorCode, GateError, ValidationError, hasCode } from '../errors.ts';
import { retryAfterMs } from '../util/retry-after.ts';
import { fetchNeverSent } from '../util/fetch-failure.ts';

/** Where the server is and who is calling. */
export interface ApiClientOptions {
  url: string;
  token: string;
  fetch?: typeof fetch;
  /** How a retry waits (tests pass their own). */
  sleep?: (ms: number) => Promise<void>;
}

/** Tries of a GET answered 503 (a server shutting down or its store down) before giving up. */
const GET_ATTEMPTS = 4;
/** The longest wait between them, whatever `Retry-After` asks. */
const MAX_RETRY_WAIT_MS = 10_000;

/**
 * An error answer from the server, kept with its status and code (problem+json). Its GateError
 * code is the server's when this build knows it, else `internal`.
 * @example if (error instanceof ApiError && error.status === 409) retryLater();
 */
export class ApiError extends GateError {
  readonly status: number;
  /** The server's code, also when it is not one of this build's codes. */
  readonly problemCode: string;
  /** What the server's `Retry-After` asked, when it sent one (seconds, as ms). */
  readonly retryAfterMs: number | undefined;
  constructor(status: number, problemCode: string, detail: string, retryAfterMs?: number) {
    super(problemCode in ERROR_CODES ? (problemCode as ErrorCode) : 'internal', `${detail} [HTTP ${status}]`);
    this.status = status;
    this.problemCode = problemCode;
    this.retryAfterMs = retryAfterMs;
  }
}

/**
 * A small client of the HTTP API for the CLI: bearer token on every call, problem+json
 * errors turned into `ApiError`, and every answer parsed with the server's own zod schema.
 * @example
 * const client = new ApiClient({ url: 'http://127.0.0.1:3000', token });
 * const page = await client.get('/api/v1/approvals', ApprovalPage, { status: 'pending' });
 */
export class ApiClient {
  readonly #url: string;
  readonly #token: string;
  readonly #fetch: typeof fetch;
  readonly #sleep: (ms: number) => Promise<void>;

  constructor(options: ApiClientOptions) {
    this.#url = options.url.replace(/\/+$/, '');
    this.#token = options.token;
    this.#fetch = options.fetch ?? fetch;
    this.#sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** GET a path (query values that are undefined are left out). */
  get<S extends z.ZodType>(path: string, schema: S, query: Record<string, string | number | undefined> = {}): Promise<z.infer<S>> {
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries(query)) if (value !== undefined && value !== '') search.set(name, String(value));
    const suffix = search.size > 0 ? `?${search}` : '';
    return this.#readWithRetry(`${path}${suffix}`, schema);
  }

  /**
   * A GET reads and changes nothing, so a 503 (`shutting_down` while a server restarts,
   * `store_unavailable` while its database is away) or an answer cut off is tried again after
   * its `Retry-After` (1 s when it has none), a few times: `tasks wait` outlives a rolling restart. A POST is never repeated here.
   */
  async #readWithRetry<S extends z.ZodType>(path: string, schema: S): Promise<z.infer<S>> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.#call(path, { method: 'GET' }, schema);
      } catch (error) {
        // A GET cut off (its server killed mid-answer, a rolling restart) changed nothing either.
        const retried = (error instanceof ApiError && error.status === 503) || hasCode(error, 'server_no_answer');
        if (!retried || attempt >= GET_ATTEMPTS) throw error;
        await this.#sleep(Math.min(MAX_RETRY_WAIT_MS, (error instanceof ApiError ? error.retryAfterMs : undefined) ?? 1_000));
      }
    }
  }

  /** POST a JSON body. */
  post<S extends z.ZodType>(path: string, body: unknown, schema: S): Promise<z.infer<S>> {
    return this.#call(path, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }, schema);
  }

  async #call<S extends z.ZodType>(path: string, init: RequestInit, schema: S): Promise<z.infer<S>> {
    let response: Response;
    try {
      response = await this.#fetch(`${this.#url}${path}`, {
        ...init,
        headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${this.#token}`, accept: 'application/json' },
      });
    } catch (error) {
      const { cause: reason } = error as { cause?: { code?: string; message?: string } };
      const cause = reason?.code ?? reason?.message ?? (error as Error).message;
      if (fetchNeverSent(error)) throw new GateError('server_unreachable', `cannot reach the server at ${this.#url}: ${cause}`);
      // Sent, and the connection went (a worker killed mid-request): what it asked may be done.
      const then = init.method === 'GET' ? 'nothing was changed; try again' : 'it may have been done: read it back (tasks show, approvals show) before asking again';
      throw new GateError('server_no_answer', `no answer from the server at ${this.#url} (${cause}): ${then}`);
    }
    const text = await response.text();
    let json: unknown;
    try {
      json = text === '' ? null : JSON.parse(text);
    } catch {
      throw new GateError('internal', `the server answered ${response.status} with something that is not JSON`);
    }
    if (!response.ok) {
      const problem = json as { code?: unknown; detail?: unknown } | null;
      throw new ApiError(
        response.status,
        typeof problem?.code === 'string' ? problem.code : 'internal',
        typeof problem?.detail === 'string' ? problem.detail : `HTTP ${response.status}`,
        retryAfterMs(response.headers.get('retry-after')),
      );
    }
    return parseInput(schema, json, `answer of ${init.method} ${path}`);
  }
}

/**
 * Adds `--url`, `--token` and `--json` to a command that talks to a server.
 * @example withConnection(tasks.command('ls')).action(async (options) => clientFrom(options));
 */
export function withConnection(command: Command): Command {
  return command
    .option('--url <url>', 'server URL (default: $TOLLGATE_URL or http://127.0.0.1:3000)')
    .option('--token <token>', 'bearer token (default: $TOLLGATE_TOKEN)')
    .option('--json', 'print JSON instead of a table');
}

/**
 * The client a command's `--url` / `--token` (or TOLLGATE_URL / TOLLGATE_TOKEN) describe.
 * @throws ValidationError when there is no token
 * @example const client = clientFrom(options);
 */
export function clientFrom(options: { url?: string; token?: string }): ApiClient {
  const url = options.url ?? process.env.TOLLGATE_URL ?? 'http://127.0.0.1:3000';
  const token = options.token ?? process.env.TOLLGATE_TOKEN;
  if (!token) throw new ValidationError('no token: pass --token or set TOLLGATE_TOKEN');
  if (!/^https?:\/\/[^\s/]+/.test(url)) throw new ValidationError(`--url ${url}: expected http://HOST:PORT`);
  return new ApiClient({ url, token });
}
