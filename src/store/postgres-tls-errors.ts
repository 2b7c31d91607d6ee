/**
 * Node's codes of a TLS handshake that failed on the certificate: the server's is not trusted
 * (self-signed, an unknown CA), expired, or names another host; and OpenSSL's own (a server that
 * does not speak TLS where the URL said it would).
 */
const CERTIFICATE_CODES = /^(ERR_TLS_|ERR_SSL_|DEPTH_ZERO_SELF_SIGNED_CERT$|SELF_SIGNED_CERT_IN_CHAIN$|UNABLE_TO_|CERT_|INVALID_CA$|HOSTNAME_MISMATCH$|PATH_LENGTH_EXCEEDED$)/;
/** pg 8 raises a server's "no TLS here" answer to its SSLRequest without a code: its sentence is all there is. */
const PG_NO_TLS = 'The server does not support SSL connections';

/**
 * What is wrong when connecting to PostgreSQL failed on the TLS the URL asked for (`sslmode`,
 * `sslrootcert`, `sslcert`, `sslkey`), as one sentence; undefined for any other failure. Such a
 * URL fails the same way at every try: a mistake in `--db`, not an outage to wait out.
 * @example postgresTlsMistake(new Error('The server does not support SSL connections')) // 'the server does not support SSL connections: …'
 */
export function postgresTlsMistake(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, message, syscall, path } = error as { code?: unknown; message?: unknown; syscall?: unknown; path?: unknown };
  if (message === PG_NO_TLS) return 'the server does not support SSL connections: drop sslmode from the URL (or use sslmode=disable), or turn ssl on in the server';
  if (typeof code !== 'string') return undefined;
  if (CERTIFICATE_CODES.test(code)) return `${String(message)} (${code}): give the server's CA with sslrootcert=FILE, or check the host name and the certificate`;
  // pg reads sslrootcert, sslcert and sslkey when it connects; a name that is not there is the URL's.
  if (syscall === 'open' && typeof path === 'string') return `cannot read ${path} (${code}), a certificate or key file the URL names`;
  return undefined;
}
