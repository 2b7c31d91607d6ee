import { normalizeText } from './normalize-text.ts';

/** A redirection of a simple command: `> /dev/sda` is `{ op: '>', target: '/dev/sda' }`. */
export interface Redirect {
  op: string;
  target: string;
}

/** One simple command of a shell line, as the shell would see its words after quote removal. */
export interface ShellCommand {
  words: string[];
  redirects: Redirect[];
  /** True when its output is piped (`|`) into the next command of the list. */
  pipesInto: boolean;
}

/** The simple commands of a text, and whether every quote in it was closed. */
export interface ShellParse {
  commands: ShellCommand[];
  balanced: boolean;
}

/** Nesting of `bash -c`, `$(…)`, `eval` beyond this throws, and a detector that throws denies. */
export const MAX_SHELL_NESTING = 8;

/**
 * What a command string means to a shell on a case-insensitive file system, with the tricks
 * that hide words removed: Unicode compatibility forms, invisible characters, case, line
 * continuations and `$IFS` used as a space.
 * @example normalizeShellText('R\u200bM${IFS}-rf /') // 'rm -rf /'
 */
export function normalizeShellText(text: string): string {
  return normalizeText(text)
    .toLowerCase()
    .replace(/\r\n?/g, '\n')
    .replace(/\\\n/g, '')
    .replace(/\$\{ifs\}|\$ifs\b/g, ' ');
}

/**
 * A word quoted for a POSIX shell, unquoted when it needs no quotes.
 * @example shellQuote('a b') // "'a b'"
 */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * Splits a shell text into simple commands the way a POSIX shell does: quotes (`'…'`, `"…"`,
 * `$'…'`), backslash escapes, comments, `;` `&&` `||` `|` `&` newlines and parentheses as
 * separators, redirections apart from words. The commands inside `$(…)` and backticks are
 * parsed too and listed after the outer ones. An unclosed quote runs to the end and clears
 * `balanced`.
 * @throws Error when substitutions nest deeper than {@link MAX_SHELL_NESTING}
 * @example parseShell(`sudo rm -rf "/"; echo ok`).commands.map((c) => c.words) // [['sudo', 'rm', '-rf', '/'], ['echo', 'ok']]
 */
export function parseShell(input: string, depth = 0): ShellParse {
  if (depth > MAX_SHELL_NESTING) throw new Error(`shell commands nested deeper than ${MAX_SHELL_NESTING} levels`);
  const text = depth === 0 ? normalizeShellText(input) : input;
  const commands: ShellCommand[] = [];
  const nested: ShellCommand[] = [];
  let balanced = true;
  let words: string[] = [];
  let redirects: Redirect[] = [];
  let word: string | null = null;
  let redirectOp: string | null = null;

  const append = (chars: string): void => {
    word = (word ?? '') + chars;
  };
  const endWord = (): void => {
    if (word === null) return;
    if (redirectOp !== null) redirects.push({ op: redirectOp, target: word });
    else words.push(word);
    redirectOp = null;
    word = null;
  };
  const endCommand = (pipesInto: boolean): void => {
    endWord();
    if (redirectOp !== null) redirects.push({ op: redirectOp, target: '' });
    redirectOp = null;
    if (words.length > 0 || redirects.length > 0) commands.push({ words, redirects, pipesInto });
    words = [];
    redirects = [];
  };
  const substitute = (inner: string): void => {
    const parsed = parseShell(inner, depth + 1);
    if (!parsed.balanced) balanced = false;
    nested.push(...parsed.commands);
    // `$(echo /)` is `/`; any other substitution stays a `$()` placeholder.
    const only = parsed.commands.length === 1 ? parsed.commands[0]?.words : undefined;
    append(only && (only[0] === 'echo' || only[0] === 'printf') ? only.slice(1).join(' ') : '$()');
  };

  for (let i = 0; i < text.length; i += 1) {
    const c = text[i] as string;
    const next = text[i + 1];
    if (c === '\n' || c === ';') {
      endCommand(false);
    } else if (/\s/.test(c)) {
      endWord();
    } else if (c === '&') {
      if (next === '&') {
        endCommand(false);
        i += 1;
      } else if (next === '>') {
        endWord();
        redirectOp = next === '>' && text[i + 2] === '>' ? '&>>' : '&>';
        i += redirectOp.length - 1;
      } else {
        endCommand(false);
      }
    } else if (c === '|') {
      endCommand(next !== '|');
      if (next === '|' || next === '&') i += 1;
    } else if (c === '(' || c === ')') {
      endCommand(false);
    } else if (c === '>' || c === '<') {
      const fd: string = word !== null && /^\d+$/.test(word) ? word : '';
      if (fd) word = null;
      else endWord();
      let op = fd + c;
      while (op.length - fd.length < 3 && /[<>&|-]/.test(text[i + 1] ?? '')) {
        i += 1;
        op += text[i];
      }
      redirectOp = op;
    } else if (c === '\\') {
      if (next !== undefined) append(next);
      i += 1;
    } else if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) balanced = false;
      append(text.slice(i + 1, end < 0 ? text.length : end));
      i = end < 0 ? text.length : end;
    } else if (c === '"') {
      i = readDoubleQuoted(text, i + 1, append, substitute, () => {
        balanced = false;
      });
    } else if (c === '`') {
      const end = closingBacktick(text, i + 1);
      if (end < 0) balanced = false;
      substitute(text.slice(i + 1, end < 0 ? text.length : end));
      i = end < 0 ? text.length : end;
    } else if (c === '$' && next === '(') {
      const end = closingParen(text, i + 2);
      if (end < 0) balanced = false;
      substitute(text.slice(i + 2, end < 0 ? text.length : end));
      i = end < 0 ? text.length : end;
    } else if (c === '$' && next === "'") {
      const end = closingAnsiQuote(text, i + 2);
      if (end < 0) balanced = false;
      append(decodeAnsiC(text.slice(i + 2, end < 0 ? text.length : end)));
      i = end < 0 ? text.length : end;
    } else if (c === '#' && word === null) {
      const end = text.indexOf('\n', i);
      i = end < 0 ? text.length : end - 1;
    } else {
      append(c);
    }
  }
  endCommand(false);
  return { commands: [...commands, ...nested], balanced };
}

/** Reads a `"…"` string from `start` (after the quote); returns the index of the closing quote. */
function readDoubleQuoted(
  text: string,
  start: number,
  append: (chars: string) => void,
  substitute: (inner: string) => void,
  unbalanced: () => void,
): number {
  let i = start;
  let chunk = '';
  for (; i < text.length; i += 1) {
    const c = text[i] as string;
    const next = text[i + 1];
    if (c === '"') break;
    if (c === '\\' && next !== undefined && '$`"\\'.includes(next)) {
      chunk += next;
      i += 1;
    } else if (c === '`' || (c === '$' && next === '(')) {
      append(chunk);
      chunk = '';
      const from = c === '`' ? i + 1 : i + 2;
      const end = c === '`' ? closingBacktick(text, from) : closingParen(text, from);
      if (end < 0) unbalanced();
      substitute(text.slice(from, end < 0 ? text.length : end));
      i = end < 0 ? text.length : end;
    } else {
      chunk += c;
    }
  }
  append(chunk);
  if (i >= text.length) unbalanced();
  return i;
}

/** Index of the `)` closing a `$(` whose content starts at `start`, skipping quoted text; -1 if none. */
function closingParen(text: string, start: number): number {
  let depth = 1;
  for (let i = start; i < text.length; i += 1) {
    const c = text[i];
    if (c === '\\') i += 1;
    else if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) return -1;
      i = end;
    } else if (c === '(') depth += 1;
    else if (c === ')') {
      depth -= 1;
      if (depth === 0) return i;
    }
  }
  return -1;
}

function closingBacktick(text: string, start: number): number {
  for (let i = start; i < text.length; i += 1) {
    if (text[i] === '\\') i += 1;
    else if (text[i] === '`') return i;
  }
  return -1;
}

function closingAnsiQuote(text: string, start: number): number {
  for (let i = start; i < text.length; i += 1) {
    if (text[i] === '\\') i += 1;
    else if (text[i] === "'") return i;
  }
  return -1;
}

const ANSI_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', e: '\x1b', f: '\f', v: '\v' };

/** Decodes the body of a `$'…'` string (`\x2f`, `\057`, `\u002f`, `\n`, …), lowercased. */
function decodeAnsiC(body: string): string {
  return body
    .replace(/\\(x[0-9a-f]{1,2}|u[0-9a-f]{1,4}|[0-7]{1,3}|.)/g, (_, code: string) => {
      if (/^[xu]/.test(code)) return String.fromCharCode(Number.parseInt(code.slice(1), 16));
      if (/^[0-7]/.test(code)) return String.fromCharCode(Number.parseInt(code, 8));
      return ANSI_ESCAPES[code] ?? code;
    })
    .toLowerCase();
}
