import type { JsonObject, JsonValue } from '../../model/json.ts';
import type { ScannedString } from './detector.ts';

/**
 * Every string value and key of the arguments, at any depth, with its JSON path.
 * @example scanStrings({ cmd: ['rm', '-rf'] }) // [{ path: 'cmd', text: 'cmd', isKey: true, … }, { path: 'cmd[0]', text: 'rm', … }, …]
 */
export function scanStrings(args: JsonObject): ScannedString[] {
  const found: ScannedString[] = [];
  const visit = (value: JsonValue, path: string, key: string): void => {
    if (typeof value === 'string') {
      found.push({ path, text: value, isKey: false, key });
    } else if (Array.isArray(value)) {
      value.forEach((item, index) => visit(item, `${path}[${index}]`, key));
      // An argv array is one command line too.
      if (value.length > 1 && value.every((item) => typeof item === 'string')) {
        found.push({ path, text: value.join(' '), isKey: false, key });
      }
    } else if (value !== null && typeof value === 'object') {
      for (const [childKey, child] of Object.entries(value)) {
        const childPath = path ? `${path}.${childKey}` : childKey;
        found.push({ path: childPath, text: childKey, isKey: true, key: childKey.toLowerCase() });
        visit(child, childPath, childKey.toLowerCase());
      }
    }
  };
  visit(args, '', '');
  return found;
}

/**
 * Lowercases, unquotes and collapses whitespace, so `RM  "-rf"  '/'` reads as `rm -rf /`.
 * @example normalizeCommand(`RM  "-rf"  '/'`) // 'rm -rf /'
 */
export function normalizeCommand(text: string): string {
  return text
    .toLowerCase()
    .replace(/\\\n/g, ' ')
    .replace(/["'`]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Splits a shell line into simple commands at `;`, `&&`, `||`, `|`, newlines and `$(`/backticks. */
export function splitCommands(text: string): string[] {
  return text
    .split(/;|&&|\|\||\||\n|\$\(|\)/)
    .map((part) => part.trim())
    .filter(Boolean);
}
