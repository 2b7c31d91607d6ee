import { normalizeText } from './normalize-text.ts';

/** One SQL statement, lowercased, comments gone and string literals replaced by `''`. */
export interface SqlStatement {
  text: string;
  /** The contents of its string literals (read as SQL too when the statement runs dynamic SQL). */
  literals: string[];
}

/** Dynamic SQL runs the text of its literals: `EXECUTE 'DROP TABLE t'`, `EXEC('…')`, `sp_executesql N'…'`. */
const DYNAMIC_SQL = /\b(exec|execute|sp_executesql|prepare\s+\w+\s+from)\b/;
const MAX_DYNAMIC_DEPTH = 4;

/**
 * The statements of a SQL text. Comments go (`--`, `/* *\/`, so `DROP/**\/DATABASE` reads as
 * `drop database`) except MySQL's executable `/*!… *\/`, whose content runs and so stays;
 * single-quoted literals become `''` so `SELECT 'drop table'` is no `DROP TABLE`; the bodies
 * of `$$…$$` blocks are code and stay. Backslash escapes inside literals mean something in
 * MySQL and nothing in standard SQL: the text is read both ways and both readings returned,
 * so neither can hide a statement. Statements are split at `;` and `GO` lines.
 * @example sqlStatements("select 1; DROP/**\/DATABASE prod -- bye").map((s) => s.text) // ['select 1', 'drop database prod']
 */
export function sqlStatements(source: string, depth = 0): SqlStatement[] {
  const text = normalizeSql(source);
  const readings = [lex(text, false), lex(text, true)];
  const seen = new Set<string>();
  const statements: SqlStatement[] = [];
  for (const reading of readings) {
    for (const statement of reading) {
      if (seen.has(statement.text)) continue;
      seen.add(statement.text);
      statements.push(statement);
      if (DYNAMIC_SQL.test(statement.text) && depth < MAX_DYNAMIC_DEPTH) {
        // `EXECUTE 'TRUNCATE ' || 'users'`: each literal, and all of them run together.
        for (const literal of [...statement.literals, statement.literals.join('')]) statements.push(...sqlStatements(literal, depth + 1));
      }
    }
  }
  return statements;
}

/** Case, compatibility forms and invisible characters folded: what the lexer reads. */
function normalizeSql(source: string): string {
  return normalizeText(source).toLowerCase();
}

/**
 * Every destructive statement the detectors know needs one of these words in the folded text:
 * the lexer only removes comments and replaces literals, so it never assembles a keyword from
 * pieces — except dynamic SQL (`EXECUTE 'DR' || 'OP …'`), whose markers are in the list too.
 */
const DESTRUCTIVE_WORD = /drop|truncate|delete|update|flushall|remove|exec|prepare/;

/**
 * A cheap test that a text cannot hold a destructive statement, so most arguments (paths,
 * names, prose) skip the lexer.
 * @example mayHoldDestructiveSql('src/app.ts') // false
 */
export function mayHoldDestructiveSql(source: string): boolean {
  return DESTRUCTIVE_WORD.test(normalizeSql(source));
}

function lex(text: string, backslashEscapes: boolean): SqlStatement[] {
  const statements: SqlStatement[] = [];
  let current = '';
  let literals: string[] = [];
  let openBracketUntil = -1;
  const end = (): void => {
    const trimmed = current.replace(/\s+/g, ' ').trim();
    if (trimmed) statements.push({ text: trimmed, literals });
    current = '';
    literals = [];
  };
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i] as string;
    const next = text[i + 1];
    if (c === '-' && next === '-') {
      const stop = text.indexOf('\n', i);
      i = stop < 0 ? text.length : stop - 1;
      current += ' ';
    } else if (c === '/' && next === '*') {
      const stop = text.indexOf('*/', i + 2);
      const body = text.slice(i + 2, stop < 0 ? text.length : stop);
      // `/*!50000 DROP DATABASE x */` runs on MySQL; an ordinary comment is a space.
      current += body.startsWith('!') ? ` ${body.replace(/^!\d*/, '')} ` : ' ';
      i = stop < 0 ? text.length : stop + 1;
    } else if (c === "'" || c === '"' || c === '`' || c === '[') {
      // A `[` left open scans to the next `;` or line end; every `[` before that is open too, so
      // `[[[[…` is read once, not once per bracket (that was quadratic).
      if (c === '[' && i < openBracketUntil) {
        current += c;
        continue;
      }
      if (c === '[') openBracketUntil = unclosedBracketEnd(text, i);
      const quoted = readQuoted(text, i, backslashEscapes && c !== '`' && c !== '[');
      if (!quoted) {
        // Unclosed: the database would refuse it; reading it as plain text hides nothing.
        current += c;
      } else if (c === "'") {
        literals.push(quoted.content);
        current += "''";
        i = quoted.end;
      } else {
        current += `"${quoted.content.replace(/\s+/g, '_')}"`;
        i = quoted.end;
      }
    } else if (c === '$' && /^\$[a-z_]*\$/.test(text.slice(i, i + 64))) {
      // A dollar-quoted body (`DO $$ … $$`, function bodies) is code: keep it, as its own statements.
      const tag = (/^\$[a-z_]*\$/.exec(text.slice(i, i + 64)) as RegExpExecArray)[0];
      const stop = text.indexOf(tag, i + tag.length);
      end();
      current = text.slice(i + tag.length, stop < 0 ? text.length : stop);
      for (const inner of lex(current, backslashEscapes)) statements.push(inner);
      current = '';
      i = stop < 0 ? text.length : stop + tag.length - 1;
    } else if (c === ';') {
      end();
    } else if (c === '\n' && /^\s*go\s*(\n|$)/.test(text.slice(i + 1, i + 8))) {
      end();
    } else {
      current += c;
    }
  }
  end();
  return statements;
}

/** Where the scan of an unclosed `[` at `start` stops (its `;`, line end or the text's end); -1 when it closes. */
function unclosedBracketEnd(text: string, start: number): number {
  for (let j = start + 1; j < text.length; j += 1) {
    const c = text[j];
    if (c === ']') return -1;
    if (c === ';' || c === '\n') return j;
  }
  return text.length;
}

/** A quoted literal or identifier starting at `start`; null when it is never closed. */
function readQuoted(text: string, start: number, backslashEscapes: boolean): { content: string; end: number } | null {
  const open = text[start] as string;
  const close = open === '[' ? ']' : open;
  let content = '';
  for (let j = start + 1; j < text.length; j += 1) {
    const c = text[j] as string;
    if (backslashEscapes && c === '\\') {
      content += text[j + 1] ?? '';
      j += 1;
    } else if (c === close && text[j + 1] === close && open !== '[') {
      content += c;
      j += 1;
    } else if (c === close) {
      return { content, end: j };
    } else if (open === '[' && (c === ';' || c === '\n')) {
      return null;
    } else {
      content += c;
    }
  }
  return null;
}
