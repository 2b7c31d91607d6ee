import type { z } from 'zod';
import { ValidationError } from '../errors.ts';

/**
 * Parses an input from outside with its schema, or throws a ValidationError listing every
 * problem with its path. Nothing has been changed when it throws.
 * @example const proposal = parseInput(Proposal, body, 'proposal');
 */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  // An unknown key is named where it is (`body.exectuor`), not as a problem of its parent.
  const issues = result.error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: [...issue.path, key].map(String).join('.'), message: 'unknown field' }))
      : [{ path: issue.path.map(String).join('.') || '(root)', message: issue.message }],
  );
  const summary = issues
    .slice(0, 3)
    .map((issue) => `${issue.path}: ${issue.message}`)
    .join('; ');
  throw new ValidationError(`invalid ${what}: ${summary}`, issues);
}
