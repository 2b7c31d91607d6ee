import { z } from 'zod';
import { ERROR_CODES, type ErrorCode, GateError } from '../errors.ts';

/** The media type of every error answer (RFC 9457). */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/**
 * Codes only the HTTP layer produces, beside the GateError codes of src/errors.ts.
 * `method_not_allowed` (405) is not in the engine's tree: no engine call can cause it.
 */
export const HTTP_ONLY_CODES = { method_not_allowed: 405 } as const;
export type ProblemCode = ErrorCode | keyof typeof HTTP_ONLY_CODES;

/** An error answer: the five fields every client may rely on, plus optional details. */
export const Problem = z.object({
  type: z.string().describe('a URN naming the code: urn:tollgate:problem:<code>'),
  title: z.string(),
  status: z.number().int().min(400).max(599),
  detail: z.string(),
  code: z.string(),
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  requestId: z.string().optional(),
});
export type Problem = z.infer<typeof Problem>;

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/**
 * The HTTP status of a problem code.
 * @example problemStatus('method_not_allowed') // 405
 */
export function problemStatus(code: ProblemCode): number {
  return code in HTTP_ONLY_CODES ? HTTP_ONLY_CODES[code as keyof typeof HTTP_ONLY_CODES] : ERROR_CODES[code as ErrorCode];
}

/**
 * Builds the problem document of a code.
 * @example problemOf('not_found', 'task t-1 not found') // { type: 'urn:tollgate:problem:not_found', status: 404, … }
 */
export function problemOf(code: ProblemCode, detail: string, extra: Partial<Problem> = {}): Problem {
  const status = problemStatus(code);
  return { type: `urn:tollgate:problem:${code}`, title: TITLES[status] ?? 'Error', status, detail, code, ...extra };
}

/**
 * The problem document of anything thrown: a GateError keeps its code (and validation
 * issues); anything else is a 500 `internal` whose detail hides the message (a 5xx is a bug,
 * logged with its stack by the error handler).
 * @example problemFromError(new NotFoundError('task', 't-1')).status // 404
 */
export function problemFromError(error: unknown): Problem {
  if (error instanceof GateError) {
    const issues = error.code === 'validation_failed' ? readIssues(error.details) : undefined;
    return problemOf(error.code, error.message, issues ? { issues } : {});
  }
  return problemOf('internal', 'an unexpected error occurred; it has been logged');
}

/**
 * A problem+json response.
 * @example return problemResponse(problemOf('unauthorized', 'missing bearer token'));
 */
export function problemResponse(problem: Problem, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(problem), {
    status: problem.status,
    headers: { 'content-type': PROBLEM_CONTENT_TYPE, ...headers },
  });
}

function readIssues(details: Record<string, unknown> | undefined): Problem['issues'] {
  const issues = details?.issues;
  if (!Array.isArray(issues) || issues.length === 0) return undefined;
  return issues.slice(0, 20).map((issue) => ({ path: String(issue?.path ?? ''), message: String(issue?.message ?? '') }));
}
