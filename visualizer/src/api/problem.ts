/**
 * Errors the API client throws: the server's problem+json answers, and a server that cannot
 * be reached. Views turn them into sentences (see `errorSentence`).
 */

/** A problem+json answer (API.md: type, title, status, detail, code; issues on 400). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly detail: string;
  readonly issues: { path: string; message: string }[];

  constructor(status: number, code: string, detail: string, issues: { path: string; message: string }[] = []) {
    super(detail || code);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.detail = detail;
    this.issues = issues;
  }
}

/** The server did not answer (down, restarting, or the network is gone). */
export class NetworkError extends Error {
  constructor(message = 'the server did not answer') {
    super(message);
    this.name = 'NetworkError';
  }
}

/**
 * The ApiError of a non-2xx answer's body: problem+json when it is one, else what can be said.
 * @example problemOf(403, '{"code":"self_approval","detail":"alice requested this action"}')
 */
export function problemOf(status: number, body: string): ApiError {
  try {
    const parsed = JSON.parse(body) as { code?: unknown; detail?: unknown; issues?: unknown };
    const issues = Array.isArray(parsed.issues)
      ? parsed.issues.filter((i): i is { path: string; message: string } => typeof i?.path === 'string' && typeof i?.message === 'string')
      : [];
    return new ApiError(
      status,
      typeof parsed.code === 'string' ? parsed.code : `http_${status}`,
      typeof parsed.detail === 'string' ? parsed.detail : '',
      issues,
    );
  } catch {
    return new ApiError(status, `http_${status}`, body.slice(0, 200));
  }
}
