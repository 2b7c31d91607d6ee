import { z } from 'zod';

/**
 * Text that ends up in a column of its own (titles, ids, keys): any string but one holding a NUL
 * character, which PostgreSQL's TEXT cannot store — refused at the boundary, the same on every store.
 * @example plainText(1, 200).parse('Push the release branch')
 */
export function plainText(min: number, max: number) {
  return z
    .string()
    .min(min)
    .max(max)
    .refine((text) => !text.includes('\u0000'), 'must not contain NUL characters');
}
