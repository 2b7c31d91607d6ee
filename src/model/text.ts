import { z } from 'zod';

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Whether a string is Unicode text: no lone UTF-16 surrogate (what `"\ud800"` in JSON makes),
 * which PostgreSQL would store as U+FFFD, so it would read back changed.
 * @example isWellFormedText('x\ud800y') // false
 */
export function isWellFormedText(text: string): boolean {
  return !LONE_SURROGATE.test(text);
}

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
    .refine((text) => !text.includes('\u0000'), 'must not contain NUL characters')
    .refine(isWellFormedText, 'must be Unicode text (a lone UTF-16 surrogate is not)');
}
