import { Buffer } from 'node:buffer';
import type { Finding } from './detector.ts';

/**
 * Words that say a text decodes something (`base64 -d`, `b64decode`, `atob`, `xxd -r`,
 * `certutil -decode`): with one anywhere in the arguments, short encoded words are decoded too.
 */
const DECODE_CUE = /base64|b64|atob|basenc|xxd|fromhex|unhex|hex2bin|certutil|openssl|-decode/i;

/**
 * Runs of the base64 alphabet (standard and URL-safe; hex is a subset), padding included. Each
 * is tried only where a run starts (the lookbehind), so a text is read once, not once per
 * position and run length.
 */
const LONG_RUN = /(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{16,}={0,2}/g;
const SHORT_RUN = /(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{8,}={0,2}/g;

/** The base64 alphabet as a table, for {@link hasRun}. */
const BASE64_CHAR = new Uint8Array(128);
for (const char of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/_-') BASE64_CHAR[char.charCodeAt(0)] = 1;

/**
 * Whether a text has a run of at least `length` base64 characters: the quick test that most
 * strings (prose, paths, names) fail before any match is listed. A loop over a table: on the
 * hot path it is cheaper than the equivalent regular expression (measured in a profile).
 */
function hasRun(text: string, length: number): boolean {
  let run = 0;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code < 128 && BASE64_CHAR[code] === 1) {
      run += 1;
      if (run >= length) return true;
    } else {
      run = 0;
    }
  }
  return false;
}

/** A whole string that is base64 wrapped over lines (`base64` wraps at 76, PEM at 64). */
const WRAPPED = /^[A-Za-z0-9+/_=-]{16,}(?:\r?\n[A-Za-z0-9+/_=-]+)+\s*$/;
const HEX = /^[0-9a-fA-F]+$/;
/**
 * Hex written as spaced pairs (`72 6d 20 2d …`, `72:6d:20`, 8 pairs or more), as `xxd -r -p`
 * reads it; only with a cue. Tried where a pair starts, with no look-ahead to backtrack into: linear.
 */
const SPACED_HEX = /(?<![0-9a-fA-F])[0-9a-fA-F]{2}(?:[ :][0-9a-fA-F]{2}){7,}/g;
const ESCAPE = /\\(?:x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|[0-7]{3})/;
const ESCAPES = /\\(?:x([0-9a-fA-F]{2})|u([0-9a-fA-F]{4})|([0-7]{3}))/g;

/** Without a cue, a base64 word shorter than this is left alone (a word, an id), and a hex one shorter than 16. */
const MIN_BASE64 = 24;
const MIN_HEX = 16;
/** With a cue: `cm0gLXJmIC8=` is `rm -rf /`. */
const MIN_CUED = 8;

/**
 * Characters of strings with encoded parts decoded per evaluation at most: what a request body
 * may hold (1 MiB). Each string is charged once, for its whole length (its runs, escapes and
 * wrapped lines are all read within that charge). Past it, nothing more is decoded and the
 * evaluation fails closed ({@link undecodedFinding}): a human looks. What a string decodes to is
 * at most about twice its length, so the detectors read at most a few MiB more than the arguments.
 */
export const MAX_DECODED_PER_EVALUATION = 1024 * 1024;

/** What is left of the decoding allowance of one evaluation. */
export interface DecodeBudget {
  left: number;
}

/** The rule of a verdict whose arguments held more encoded text than the gate decodes. */
export const UNDECODED_RULE = 'encoded-text:undecoded';

/**
 * The finding for arguments whose encoded text was left unjudged because the budget ran out:
 * at least escalate (fail closed), never an allow of what the gate did not read.
 * @example undecodedFinding('script').severity // 'escalate'
 */
export function undecodedFinding(path: string): Finding {
  return {
    rule: UNDECODED_RULE,
    severity: 'escalate',
    reason: `the arguments hold more encoded text than the gate decodes (${MAX_DECODED_PER_EVALUATION / 1024 / 1024} MiB), from ${path || 'args'} on: a human must look`,
    path,
  };
}

/** What {@link decodedText} returns for a text with encoded parts that the budget cannot pay for. */
export const UNDECODED = Symbol('undecoded');

/**
 * Whether a text asks for decoding (`… | base64 -d | sh`), so short encoded words count.
 * @example hasDecodeCue('echo cm0gLXJmIC8= | base64 -d | sh') // true
 */
export function hasDecodeCue(text: string): boolean {
  return DECODE_CUE.test(text);
}

/** Printable characters in a row needed for a run of decoded bytes to be judged, when the bytes hold anything unprintable. */
const MIN_PRINTABLE_RUN = 8;

/**
 * The printable text that bytes decode to (UTF-8): all of it when it is all printable, else
 * its printable runs of at least {@link MIN_PRINTABLE_RUN} characters, one per line; null when
 * there is none. So a text is judged even with control bytes or invalid UTF-8 around it
 * (`rm -rf / #` and a tail of `\x01`, which `sh` ignores after the comment), while random
 * binary (an image) leaves only short runs, which are dropped.
 */
function printable(bytes: Buffer): string | null {
  if (bytes.length < 4) return null;
  const text = bytes.toString('utf8');
  const runs: string[] = [];
  let start = 0;
  for (let i = 0; i <= text.length; i += 1) {
    const c = i < text.length ? text.charCodeAt(i) : -1;
    if (c === -1 || (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0x7f || c === 0xfffd) {
      if (start === 0 && i === text.length) return text;
      if (i - start >= MIN_PRINTABLE_RUN) runs.push(text.slice(start, i));
      start = i + 1;
    }
  }
  return runs.length > 0 ? runs.join('\n') : null;
}

/** One base64 or hex word decoded, or null when it is neither or decodes to binary. */
function decodeWord(run: string, cued: boolean): string | null {
  const word = run.replace(/=+$/, '');
  const hex = HEX.test(word);
  if (word.length < (cued ? MIN_CUED : hex ? MIN_HEX : MIN_BASE64)) return null;
  if (hex) {
    // An odd last nibble is ignored, as `xxd -r -p` ignores it.
    const text = printable(Buffer.from(word.length % 2 === 0 ? word : word.slice(0, -1), 'hex'));
    if (text !== null) return text;
  }
  // Base64 of text mixes cases; a path, a kebab-case name or a hex digest does not, and is not decoded.
  if (word.length % 4 === 1 || (!cued && !(/[A-Z]/.test(word) && /[a-z]/.test(word)))) return null;
  return printable(base64Bytes(word));
}

/** Padding followed by more base64: where one encoded stream ends and the next begins. */
const STREAM_END = /(?<==)(?=[^=])/;

/**
 * Base64 decoded as `base64 -d` does: padding in the middle (`Cg==cm0g…`) ends one stream and the
 * next is decoded too. Node's decoder stops at the first `=`, which let `echo a b c d Cg== cm0g
 * LXJm IC8= | base64 -di | sh` (a newline, then `rm -rf /`) pass unread.
 */
function base64Bytes(word: string): Buffer {
  if (!word.includes('=')) return Buffer.from(word, 'base64');
  return Buffer.concat(word.split(STREAM_END).map((stream) => Buffer.from(stream, 'base64')));
}

/** `\x72\x6d`, `\u0072`, `\162` escapes (printf, echo -e, string literals) decoded in place. */
function unescaped(text: string): string {
  return text.replace(ESCAPES, (_, hex?: string, unicode?: string, octal?: string) =>
    String.fromCharCode(hex !== undefined ? Number.parseInt(hex, 16) : unicode !== undefined ? Number.parseInt(unicode, 16) : Number.parseInt(octal as string, 8) & 0xff),
  );
}

/**
 * Base64 words split by spaces or line breaks, real or written `\n` (`printf 'cm0gLXJm\nIC8='`,
 * `echo 'cm0g LXJm' | base64 -di`, which skips what is not base64). Separators and words share
 * no character, so each word ends in one place: no backtracking.
 */
const SPLIT_BASE64 = /(?<![A-Za-z0-9+/=_-])[A-Za-z0-9+/]+={0,2}(?:(?:\s|\\[nrt])+[A-Za-z0-9+/]+={0,2})+/g;
const SEPARATORS = /(?:\s|\\[nrt])+/;
/** How many leading words of split base64 may be the command printing it (`sudo nice nohup echo`). */
const PRINTER_WORDS = 8;

/**
 * What the encoded parts of a text decode to, one per line, or null when it holds none: base64
 * words (standard or URL-safe, ≥ 24 characters, or ≥ 8 when `cued`), hex words (≥ 16; an odd
 * last nibble ignored), a whole string of base64 wrapped over lines, and `\xNN` / `\uNNNN` /
 * `\NNN` escapes; with a cue also base64 split by spaces or `\n`, and hex as spaced pairs
 * (`72 6d 20 …`) — their printable text (see {@link printable}). One level only: what is decoded
 * is not decoded again. A text with anything to decode spends its length of `budget`, once; when
 * the budget cannot pay for it, nothing is decoded and {@link UNDECODED} is returned: the caller
 * must fail closed.
 * @example decodedText('echo cm0gLXJmIC8= | base64 -d | sh', true, { left: 1e6 }) // 'rm -rf /'
 */
export function decodedText(text: string, cued: boolean, budget: DecodeBudget): string | null | typeof UNDECODED {
  if (text.length < MIN_CUED) return null;
  // The common case first, allocating nothing: no wrapped base64, no long run, no escape.
  const wrapped = text.includes('\n') && WRAPPED.test(text);
  const runs = hasRun(text, cued ? MIN_CUED : MIN_HEX);
  const escaped = text.includes('\\') && ESCAPE.test(text);
  // With a cue, spaced hex pairs (`72 6d`) and split base64 words (`cm0g LXJm`) have short runs.
  if (!wrapped && !runs && !escaped && !cued) return null;
  if (budget.left < text.length) return UNDECODED;
  budget.left -= text.length;
  const found: string[] = [];
  if (wrapped) {
    const whole = decodeWord(text.replace(/\s+/g, ''), cued);
    if (whole !== null) found.push(whole);
  }
  if (found.length === 0 && runs) {
    for (const match of text.matchAll(cued ? SHORT_RUN : LONG_RUN)) {
      const decoded = decodeWord(match[0], cued);
      if (decoded !== null) found.push(decoded);
    }
  }
  if (cued) {
    for (const match of text.matchAll(SPLIT_BASE64)) {
      const words = match[0].split(SEPARATORS);
      // The first words may be the command that prints the rest (`echo cm0g LXJm`, `sudo nice
      // nohup echo cm0g …`): tried from each of the first few words, so a prefix of any length
      // cannot shift the rest out of alignment. At most PRINTER_WORDS + 1 decodes per match: linear.
      for (let from = 0; from < Math.min(words.length, PRINTER_WORDS + 1); from += 1) {
        const decoded = decodeWord(words.slice(from).join(''), true);
        if (decoded !== null) found.push(decoded);
      }
    }
    for (const match of text.matchAll(SPACED_HEX)) {
      const decoded = printable(Buffer.from(match[0].replace(/[ :]/g, ''), 'hex'));
      if (decoded !== null) found.push(decoded);
    }
  }
  if (escaped) found.push(unescaped(text));
  return found.length > 0 ? found.join('\n') : null;
}
