/** Errors of a connection that was never made: the request cannot have reached the other end. */
const NOT_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT', 'ERR_INVALID_URL']);

/** Refusals of fetch itself, before any connection (a port browsers block, a URL it cannot parse). */
const NOT_ATTEMPTED = new Set(['bad port', 'invalid URL']);

/**
 * Whether a fetch failure happened before the request could have been sent. Anything else (a
 * connection cut or reset, a timeout after connecting) may have reached the other end, which may
 * have done what it asked.
 * @example fetchNeverSent(await fetch('http://127.0.0.1:1').catch((e) => e)) // true
 */
export function fetchNeverSent(error: unknown): boolean {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } })?.cause;
  const code = typeof cause?.code === 'string' ? cause.code : (error as { code?: unknown })?.code;
  if (typeof code === 'string') return NOT_CONNECTED.has(code);
  return typeof cause?.message === 'string' && NOT_ATTEMPTED.has(cause.message);
}
