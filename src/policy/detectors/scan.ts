import type { JsonObject, JsonValue } from '../../model/json.ts';
import type { ScannedString } from './detector.ts';
import { type DecodeBudget, MAX_DECODED_PER_EVALUATION, UNDECODED, decodedText, hasDecodeCue } from './encoded-text.ts';
import { normalizeText } from './normalize-text.ts';
import { shellQuote } from './shell-words.ts';

/** JSON documents inside strings are opened this many levels deep (a string holding JSON holding JSON…). */
const MAX_EMBEDDED_JSON = 3;

/** Keys that name the program of an exec-style object (`{ command: 'git', args: ['push', '-f'] }`, Node's `execFile(file, args)`). */
const PROGRAM_KEYS = new Set(['command', 'cmd', 'program', 'executable', 'exe', 'bin', 'binary', 'file']);
/** Keys that hold its argument list: an array (non-strings skipped) or a string (`{ command: 'rm', args: '-rf /' }`). */
const ARGUMENT_KEYS = new Set(['args', 'argv', 'arguments', 'arglist', 'params', 'parameters', 'flags', 'options', 'opts']);

/**
 * Every string value and key of the arguments, at any depth, with its JSON path, as the
 * detectors judge it: compatibility forms folded and invisible characters removed
 * ({@link normalizeText}; the arguments themselves are not changed). Also read:
 * - the strings of an array as one command line (its items shell-quoted, so `['bash', '-c', 'rm -rf /']`
 *   keeps its meaning; other items skipped), and an exec-style object (`{ cmd: 'rm', args: ['-rf', '/'] }`,
 *   `{ command: 'git', args: 'push --force' }`) as one too;
 * - a string that holds a JSON object or array, opened;
 * - a number under a key (`{ "password": 123456 }`), as its digits, marked `isNumber`;
 * - what the encoded parts of a string decode to ({@link decodedText}: base64, hex, `\x` escapes),
 *   at `path<decoded>` — one level, within {@link MAX_DECODED_PER_EVALUATION} per call, each
 *   character charged once (a string opened as JSON is decoded through its strings, not whole).
 *   A string whose encoded text the budget could not pay for is marked `undecoded`: the
 *   evaluation then fails closed.
 * @example scanStrings({ cmd: ['rm', '-rf'] }) // [{ path: 'cmd', text: 'cmd', isKey: true, … }, { path: 'cmd[0]', text: 'rm', … }, …]
 */
export function scanStrings(args: JsonObject): ScannedString[] {
  const found: ScannedString[] = [];
  const values: ScannedString[] = [];
  const visit = (value: JsonValue, path: string, key: string, embedded: number): void => {
    if (typeof value === 'string') {
      const scanned: ScannedString = { path, text: normalizeText(value), isKey: false, key };
      found.push(scanned);
      const inner = embeddedJson(scanned.text, embedded);
      // A JSON document is decoded through its strings, so that its characters are charged once.
      if (inner !== undefined) visit(inner, `${path}<json>`, key, embedded + 1);
      else values.push(scanned);
    } else if (Array.isArray(value)) {
      for (const [index, item] of value.entries()) visit(item, `${path}[${index}]`, key, embedded);
      const words = stringsOf(value);
      if (words.length > 1) found.push({ path, text: commandLine(words), isKey: false, key });
    } else if (value !== null && typeof value === 'object') {
      let program: string | undefined;
      let argv: string | undefined;
      for (const [rawKey, child] of Object.entries(value)) {
        const childKey = normalizeText(rawKey);
        const lowerKey = childKey.toLowerCase();
        const childPath = path ? `${path}.${rawKey}` : rawKey;
        found.push({ path: childPath, text: childKey, isKey: true, key: lowerKey });
        if (typeof child === 'number') found.push({ path: childPath, text: String(child), isKey: false, key: lowerKey, isNumber: true });
        else visit(child, childPath, lowerKey, embedded);
        if (typeof child === 'string' && PROGRAM_KEYS.has(lowerKey)) program = child;
        else if (ARGUMENT_KEYS.has(lowerKey) && argv === undefined) argv = argumentText(child);
      }
      if (program !== undefined && argv !== undefined) found.push({ path, text: `${normalizeText(program)} ${argv}`, isKey: false, key });
    }
  };
  visit(args, '', '', 0);
  let cued = false;
  for (const scanned of values) if (!cued && hasDecodeCue(scanned.text)) cued = true;
  const budget: DecodeBudget = { left: MAX_DECODED_PER_EVALUATION };
  for (const scanned of values) {
    const decoded = decodedText(scanned.text, cued, budget);
    if (decoded === UNDECODED) scanned.undecoded = true;
    else if (decoded !== null) found.push({ path: `${scanned.path}<decoded>`, text: normalizeText(decoded), isKey: false, key: scanned.key });
  }
  return found;
}

/**
 * The strings that may be commands or queries: every value but numbers, and the keys that
 * contain a space (a key such as `mkfs` is a name; a key such as `rm -rf /` is a command someone hid there).
 * @example commandTexts(scanStrings({ 'rm -rf /': true, mkfs: false })).map((s) => s.text) // ['rm -rf /']
 */
export function commandTexts(strings: readonly ScannedString[]): ScannedString[] {
  return strings.filter((scanned) => (!scanned.isKey || /\s/.test(scanned.text)) && !scanned.isNumber);
}

/** The string items of an array (a `null` or a number among them is no word). */
function stringsOf(items: readonly JsonValue[]): string[] {
  return items.filter((item): item is string => typeof item === 'string');
}

/** An exec-style argument list as command-line text: a string as written, an array's strings quoted; undefined for anything else. */
function argumentText(value: JsonValue): string | undefined {
  if (typeof value === 'string') return normalizeText(value);
  if (!Array.isArray(value)) return undefined;
  const words = stringsOf(value);
  return words.length > 0 ? commandLine(words) : undefined;
}

/** Words as one shell command line, each quoted as needed. */
function commandLine(words: readonly string[]): string {
  return words.map((word) => shellQuote(normalizeText(word))).join(' ');
}

function embeddedJson(text: string, embedded: number): JsonValue | undefined {
  if (embedded >= MAX_EMBEDDED_JSON) return undefined;
  const trimmed = text.trim();
  if (!/^[[{][\s\S]*[\]}]$/.test(trimmed)) return undefined;
  try {
    const parsed: unknown = JSON.parse(trimmed);
    return parsed !== null && typeof parsed === 'object' ? (parsed as JsonValue) : undefined;
  } catch {
    return undefined;
  }
}
