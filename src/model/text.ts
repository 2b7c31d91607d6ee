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

/** Unicode's bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069). */
const BIDI_CONTROL = /[\u202a-\u202e\u2066-\u2069]/;

/**
 * Whether a string holds none of Unicode's bidirectional embedding, override or isolate
 * controls: invisible, they make text display in another order than it is stored (a title
 * reading "evil" shown as "live"), and people approve actions by what they read.
 * @example hasNoBidiControls('deploy \u202eevil') // false
 */
export function hasNoBidiControls(text: string): boolean {
  return !BIDI_CONTROL.test(text);
}

const BIDI_MESSAGE = 'must not contain bidirectional override, embedding or isolate characters (U+202A–U+202E, U+2066–U+2069): they make text display in another order than it reads';

/**
 * Free text shown to the humans who decide (a description): any Unicode text but one holding
 * bidirectional controls, which could disguise what is asked.
 * @example shownText(10_000).parse('Rotates the staging keys')
 */
export function shownText(max: number) {
  return z.string().max(max).refine(isWellFormedText, 'must be Unicode text (a lone UTF-16 surrogate is not)').refine(hasNoBidiControls, BIDI_MESSAGE);
}

/**
 * Text that ends up in a column of its own (titles, ids, keys): any string but one holding a NUL
 * character, which PostgreSQL's TEXT cannot store, or bidirectional controls, which would
 * display it as something else — refused at the boundary, the same on every store.
 * @example plainText(1, 200).parse('Push the release branch')
 */
export function plainText(min: number, max: number) {
  return z
    .string()
    .min(min)
    .max(max)
    .refine((text) => !text.includes('\u0000'), 'must not contain NUL characters')
    .refine(isWellFormedText, 'must be Unicode text (a lone UTF-16 surrogate is not)')
    .refine(hasNoBidiControls, BIDI_MESSAGE);
}
