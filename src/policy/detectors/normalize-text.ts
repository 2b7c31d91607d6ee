/**
 * Characters that render as nothing: zero-width spaces and joiners (U+200B–U+200D), the word
 * joiner (U+2060), the byte order mark (U+FEFF), the soft hyphen (U+00AD), bidi controls,
 * Hangul fillers, variation selectors, tag characters — every default-ignorable code point and
 * every format character. Inside a keyword (`DR\u200bOP`) they hide it from a pattern.
 */
const IGNORABLE = /[\p{Default_Ignorable_Code_Point}\p{Cf}]/gu;

/** Plain ASCII holds no ignorable character and is its own NFKC form. */
const NON_ASCII = /[\u0080-\uffff]/;

/**
 * The text the detectors judge: compatibility forms folded (NFKC: fullwidth `ｒｍ` is `rm`, `ﬁ`
 * is `fi`, a no-break space is a space) and invisible characters removed, case kept. Plain ASCII,
 * nearly every argument, is returned as it is without touching ICU.
 * @example normalizeText('ＤＲ\u200bＯＰ ＤＡＴＡＢＡＳＥ') // 'DROP DATABASE'
 */
export function normalizeText(text: string): string {
  if (!NON_ASCII.test(text)) return text;
  // Removed before folding too, so that a character split from its accent by one composes again.
  return text.replace(IGNORABLE, '').normalize('NFKC').replace(IGNORABLE, '');
}
