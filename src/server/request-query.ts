import type { z } from 'zod';
import { parseInput } from '../engine/validate.ts';
import { ValidationError } from '../errors.ts';

/**
 * Parses a request's query string with a schema of string-valued fields (coerce numbers in
 * the schema). Empty values (`?state=`) count as absent; a parameter given twice is a
 * validation error (which one did the client mean?), and so is a parameter the schema does not
 * name (`?risk=high` for `riskLevel` must not quietly list everything). Names that start with
 * `_` are left alone, so a cache-busting `?_=123` does no harm.
 * @throws ValidationError
 * @example const query = parseQuery(new URL(c.req.url), ListApprovalsQuery);
 */
export function parseQuery<S extends z.ZodObject>(url: URL, schema: S): z.infer<S> {
  const raw: Record<string, string> = {};
  const known = Object.keys(schema.shape);
  for (const name of new Set(url.searchParams.keys())) {
    if (!known.includes(name) && !name.startsWith('_')) {
      throw new ValidationError(`unknown query parameter ${JSON.stringify(name)}; this route takes ${known.join(', ')}`, [
        { path: name, message: 'unknown parameter' },
      ]);
    }
  }
  for (const name of known) {
    const values = url.searchParams.getAll(name);
    if (values.length > 1) {
      throw new ValidationError(`query parameter ${name} is given ${values.length} times`, [
        { path: name, message: 'given more than once' },
      ]);
    }
    const value = values[0];
    if (value !== undefined && value !== '') raw[name] = value;
  }
  return parseInput(schema, raw, 'query');
}
