import type { JsonObject, JsonValue } from '../../model/json.ts';
import type { ScannedString } from './detector.ts';

/** JSON documents inside strings are opened this many levels deep (a string holding JSON holding JSON…). */
const MAX_EMBEDDED_JSON = 3;

/**
 * Every string value and key of the arguments, at any depth, with its JSON path. An array of
 * strings is also one command line (its items shell-quoted, so `['bash', '-c', 'rm -rf /']`
 * keeps its meaning), and a string that holds a JSON object or array is opened too.
 * @example scanStrings({ cmd: ['rm', '-rf'] }) // [{ path: 'cmd', text: 'cmd', isKey: true, … }, { path: 'cmd[0]', text: 'rm', … }, …]
 */
export function scanStrings(args: JsonObject): ScannedString[] {
  const found: ScannedString[] = [];
  const visit = (value: JsonValue, path: string, key: string, embedded: number): void => {
    if (typeof value === 'string') {
      found.push({ path, text: value, isKey: false, key });
      const inner = embeddedJson(value, embedded);
      if (inner !== undefined) visit(inner, `${path}<json>`, key, embedded + 1);
    } else if (Array.isArray(value)) {
      for (const [index, item] of value.entries()) visit(item, `${path}[${index}]`, key, embedded);
      if (value.length > 1 && value.every((item) => typeof item === 'string')) {
        found.push({ path, text: value.map((item) => shellQuote(item as string)).join(' '), isKey: false, key });
      }
    } else if (value !== null && typeof value === 'object') {
      for (const [childKey, child] of Object.entries(value)) {
        const childPath = path ? `${path}.${childKey}` : childKey;
        found.push({ path: childPath, text: childKey, isKey: true, key: childKey.toLowerCase() });
        visit(child, childPath, childKey.toLowerCase(), embedded);
      }
    }
  };
  visit(args, '', '', 0);
  return found;
}

/**
 * The strings that may be commands or queries: every value, and the keys that contain a space
 * (a key such as `mkfs` is a name; a key such as `rm -rf /` is a command someone hid there).
 * @example commandTexts(scanStrings({ 'rm -rf /': true, mkfs: false })).map((s) => s.text) // ['rm -rf /']
 */
export function commandTexts(strings: readonly ScannedString[]): ScannedString[] {
  return strings.filter((scanned) => !scanned.isKey || /\s/.test(scanned.text));
}

/** A word quoted for a POSIX shell, unquoted when it needs no quotes. */
function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
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
