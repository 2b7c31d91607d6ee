import { visibleText } from '../../../src/util/visible-text.ts';

/**
 * Someone's text (a title, a reason, a comment) quoted inside one of our sentences, bidi-isolated
 * (U+2068 … U+2069): a right-to-left override or embedding inside it ends at its end, so it can
 * never reorder the sentence around it ("Approved “…” — the task is completed"); its hidden characters are shown
 * as escapes (see `visibleText`).
 * @example quoted('Push the release branch') // '“\u2068Push the release branch\u2069”'
 */
export function quoted(text: string): string {
  return `“\u2068${visibleText(text)}\u2069”`;
}
