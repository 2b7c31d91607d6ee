import { NetworkError, problemOf } from './problem.ts';

/**
 * The API over `fetch()`, with the bearer token in the Authorization header (never in a URL).
 * Non-2xx answers throw ApiError (from problem+json), an unreachable server NetworkError.
 * @example const task = await api.get<Task>(`/api/v1/tasks/${encodeURIComponent(id)}`);
 */
export class ApiClient {
  readonly #token: () => string | null;

  constructor(token: () => string | null) {
    this.#token = token;
  }

  /** `GET path`; `query` values that are empty are left out. */
  get<T>(path: string, query: Record<string, string | number | undefined> = {}, token?: string): Promise<T> {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== '') params.set(key, String(value));
    const search = params.size > 0 ? `?${params}` : '';
    return this.#send<T>('GET', `${path}${search}`, undefined, token);
  }

  /** `POST path` with a JSON body. */
  post<T>(path: string, body: unknown): Promise<T> {
    return this.#send<T>('POST', path, body);
  }

  async #send<T>(method: string, path: string, body?: unknown, token?: string): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    const bearer = token ?? this.#token();
    if (bearer) headers.authorization = `Bearer ${bearer}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      // Asserted: Node's RequestInit (unit tests type-check this file too) lacks the browser's `cache`.
      response = await fetch(path, { method, headers, cache: 'no-store', ...(body !== undefined ? { body: JSON.stringify(body) } : {}) } as RequestInit);
    } catch {
      throw new NetworkError();
    }
    const text = await response.text().catch(() => '');
    if (!response.ok) throw problemOf(response.status, text);
    return JSON.parse(text) as T;
  }
}
