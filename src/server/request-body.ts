import type { z } from 'zod';
import { parseInput } from '../engine/validate.ts';
import { GateError, ValidationError } from '../errors.ts';
import { isWellFormedText } from '../model/text.ts';
import { unsafeIntegerAt } from '../util/unsafe-integer.ts';

/** The largest request body the API accepts: 1 MiB. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** How a route takes its body. */
export interface BodyRule<S extends z.ZodType> {
  schema: S;
  maxBytes?: number;
  /**
   * Called with the body's size once it is read, before it is decoded or validated (throw to
   * refuse): what a route charges by size, so that an invalid body costs like a valid one. A body
   * found too large while it streamed in (no `content-length`) is charged what was read of it.
   */
  onRead?(bytes: number): void;
}

/**
 * Reads a JSON request body and parses it with its schema, in the order a client can fix
 * things: size (413, counted while the body streams in, whatever `content-length` claims),
 * content encoding (415 unless none or `identity`), media type (415), UTF-8 and JSON syntax (400), shape (400). An empty body (no bytes at all,
 * whatever its media type) reads as `{}`, so the schema says what is missing. Nothing is
 * changed when it throws, but for what `onRead` charged. The size a route charges by (`onRead`)
 * is the bytes received, whatever `content-length` said or did not say.
 * @throws GateError unsupported_media_type | payload_too_large, ValidationError
 * @example const body = await readJsonBody(c.req.raw, { schema: RejectBody });
 */
export async function readJsonBody<S extends z.ZodType>(request: Request, rule: BodyRule<S>): Promise<z.infer<S>> {
  const maxBytes = rule.maxBytes ?? MAX_BODY_BYTES;
  const declared = request.headers.get('content-length');
  if (declared !== null && /^\d+$/.test(declared) && Number(declared) > maxBytes) throw tooLarge(maxBytes);
  // A compressed (or otherwise encoded) body is refused, not read as if it were plain: the
  // server decodes none, and reading gzip bytes as JSON would only fail later, less clearly.
  const encoding = request.headers.get('content-encoding')?.trim().toLowerCase();
  if (encoding && encoding !== 'identity') {
    throw new GateError('unsupported_media_type', `content-encoding ${encoding.slice(0, 100)} is not accepted; send the body uncompressed`);
  }
  const contentType = request.headers.get('content-type');
  const bytes = await readCapped(
    request,
    maxBytes,
    () => {
      if (!isJsonMediaType(contentType)) throw unsupported(contentType);
    },
    rule.onRead,
  );
  rule.onRead?.(bytes.length);
  if (bytes.length === 0) return parseInput(rule.schema, {}, 'request body');
  if (!isJsonMediaType(contentType)) throw unsupported(contentType);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new ValidationError('the request body is not valid UTF-8');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ValidationError(`the request body is not valid JSON: ${(error as Error).message}`);
  }
  // Valid UTF-8 can still spell a lone UTF-16 surrogate as a JSON escape (`"\ud800"`): that is no
  // Unicode text, and PostgreSQL would keep it as U+FFFD, so the task would read back changed.
  if (SURROGATE_ESCAPE.test(text)) {
    const where = lonelySurrogateAt(json, '');
    if (where !== null) {
      throw new ValidationError(`the request body holds a lone UTF-16 surrogate at ${where || '(root)'}: not Unicode text`, [
        { path: where || '(root)', message: 'lone UTF-16 surrogate' },
      ]);
    }
  }
  const unsafe = unsafeIntegerAt(json, text);
  if (unsafe !== null) {
    throw new ValidationError(`the request body holds an integer beyond 2^53 − 1 at ${unsafe}, which would not be kept as sent (JSON numbers are doubles here): send it as a string`, [
      { path: unsafe, message: 'an integer beyond 2^53 − 1: send it as a string' },
    ]);
  }
  return parseInput(rule.schema, json, 'request body');
}

const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;

/** The path of the first string or key in a parsed JSON value that is not well-formed UTF-16, or null. */
function lonelySurrogateAt(value: unknown, path: string): string | null {
  if (typeof value === 'string') return isWellFormedText(value) ? null : path;
  if (value === null || typeof value !== 'object') return null;
  for (const [key, item] of Object.entries(value)) {
    const at = path ? `${path}.${key}` : key;
    if (!isWellFormedText(key)) return at;
    const found = lonelySurrogateAt(item, at);
    if (found !== null) return found;
  }
  return null;
}

/**
 * `application/json`, with or without parameters such as `charset=utf-8`, or any `+json` type.
 * @example isJsonMediaType('application/json; charset=utf-8') // true
 */
export function isJsonMediaType(header: string | null): boolean {
  if (!header) return false;
  const essence = header.split(';', 1)[0]?.trim().toLowerCase() ?? '';
  return essence === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(essence);
}

/** Reads the whole body, failing as soon as it passes `maxBytes`; `onFirstByte` runs before any byte is kept. */
async function readCapped(request: Request, maxBytes: number, onFirstByte: () => void, onTooLarge?: (bytesRead: number) => void): Promise<Uint8Array> {
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (value.length === 0) continue;
      if (total === 0) onFirstByte();
      total += value.length;
      if (total > maxBytes) {
        // Read before it was known to be too large (no content-length): what was read is charged.
        onTooLarge?.(total);
        throw tooLarge(maxBytes);
      }
      chunks.push(value);
    }
  } catch (error) {
    await reader.cancel().catch(() => undefined);
    if (error instanceof GateError) throw error;
    throw new ValidationError(`the request body could not be read: ${(error as Error).message}`);
  }
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return bytes;
}

function tooLarge(maxBytes: number): GateError {
  return new GateError('payload_too_large', `the request body is larger than ${maxBytes} bytes`);
}

function unsupported(contentType: string | null): GateError {
  return new GateError(
    'unsupported_media_type',
    contentType ? `content-type ${contentType.slice(0, 100)} is not accepted; send application/json` : 'send the body as application/json',
  );
}
