import type { z } from 'zod';
import { parseInput } from '../engine/validate.ts';
import { ValidationError } from '../errors.ts';

/**
 * Parses a request's query string with a schema of string-valued fields (coerce numbers in
 * the schema). Empty values (`?state=`) count as absent; a parameter given twice is a
 * validation error (which one did the client mean?); parameters the schema does not name are
 * ignored, so a cache-busting `?_=123` does no harm.
 * @throws ValidationError
 * @example const query = parseQuery(new URL(c.req.url), ListApprovalsQuery);
 */
export function parseQuery<S extends z.ZodObject>(url: URL, schema: S): z.infer<S> {
  const raw: Record<string, string> = {};
  for (const name of Object.keys(schema.shape)) {
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
