import type { Detector, Finding, ScannedString, Severity } from './detector.ts';
import { commandTexts } from './scan.ts';
import { commandsOf } from './shell-commands.ts';
import { mayHoldDestructiveSql, sqlStatements } from './sql-text.ts';

/**
 * Words after which a new statement may begin inside a statement: `EXPLAIN ANALYZE DELETE …`,
 * `WITH d AS (DELETE …)`, `CREATE RULE … DO INSTEAD DELETE …`, `BEGIN DROP TABLE …`,
 * `PREPARE p AS UPDATE …`, trigger and procedure bodies.
 */
const INTRODUCER = /(?<=^|[\s(])(?:begin|then|else|do|instead|also|as|loop|explain|analyze|verbose|\()\s*(?=[a-z])/g;

/** A WHERE that restricts nothing: `WHERE 1=1`, `WHERE true`, `… OR 1=1`, `WHERE id = id`. */
const TAUTOLOGY = /\b(?:where|or)\s+\(?\s*(?:true|1|not\s+false|1\s*=\s*1|''\s*=\s*''|([a-z_][\w.]*)\s*=\s*\1)\s*\)?\s*(?:$|\bor\b|\border\b|\blimit\b|\breturning\b|\))/;

interface Rule {
  rule: string;
  severity: Severity;
  what: string;
  /** Matches the start of a statement. */
  start: RegExp;
  /** Only when the statement has no restricting WHERE (DELETE, UPDATE). */
  unlessWhere?: true;
  /** Only when a `SET column =` follows the start, anywhere later in the statement (UPDATE). */
  setLater?: true;
}

// Statement shapes, whole: prose that starts like SQL ("Drop database support for MySQL 5",
// "Truncate long titles") is not SQL, and SQL with trailing junk does not run.
const NAME = String.raw`[\w."$\[\]-]+`;
const NAMES = String.raw`${NAME}(\s*,\s*${NAME})*`;
// Sticky (`y`): matched at a start offset of the whole statement, never at a slice of it, so a
// statement of any length is judged whole (a 400-character window let `DROP SCHEMA a, …, x79` through).
const shape = (source: string): RegExp => new RegExp(String.raw`(?:${source})\s*$`, 'y');

const RULES: Rule[] = [
  {
    rule: 'detector:drop-database',
    severity: 'deny',
    what: 'drops a database',
    start: shape(String.raw`(drop\s+(database|schema)\s+(if\s+exists\s+)?${NAMES}(\s+(cascade|restrict|with\s*\(\s*force\s*\)))?|db\.dropdatabase\s*\(\s*\)|flushall(\s+(async|sync))?)`),
  },
  { rule: 'detector:drop-table', severity: 'escalate', what: 'drops a table', start: shape(String.raw`drop\s+(temporary\s+)?table\s+(if\s+exists\s+)?${NAMES}(\s+(cascade|restrict|purge))?`) },
  { rule: 'detector:truncate', severity: 'escalate', what: 'truncates a table', start: shape(String.raw`truncate\s+(table\s+)?(only\s+)?${NAMES}(\s+(restart|continue)\s+identity)?(\s+(cascade|restrict))?`) },
  {
    rule: 'detector:delete-without-where',
    severity: 'escalate',
    what: 'DELETE without a restricting WHERE',
    // Not shape(): what follows WHERE/USING/… is any text, and `.*` to the end from every start was quadratic.
    start: new RegExp(
      String.raw`delete\s+((low_priority|quick|ignore)\s+)*((${NAMES})\s+)?(from\s+(only\s+)?${NAME}(\s+(as\s+)?(?!where\b|using\b|returning\b|limit\b|order\b|join\b)\w+)?(\s+(where|using|returning|limit|order|inner|left|right|join|partition|output)\b|\s*$)|${NAME}\s*$)`,
      'y',
    ),
    unlessWhere: true,
  },
  // Its SET is looked for anywhere after it (`positions`), not within a window: joined tables,
  // aliases and hints may stand between (a 200-character window let a long join list through).
  { rule: 'detector:update-without-where', severity: 'escalate', what: 'UPDATE without a restricting WHERE', start: /update\s+/y, unlessWhere: true, setLater: true },
];

/** MongoDB: `db.users.drop()`, `deleteMany({})`, `remove({})` empty a collection. */
const MONGO_WIPE = /\.(drop\s*\(\s*\)|(deletemany|remove)\s*\(\s*\{\s*\}\s*\))/;

/** Where the last WHERE, the last tautology and the last `SET column =` of a statement are (-1: none). */
interface Positions {
  where: number;
  tautology: number;
  set: number;
}

/** The {@link Positions} of a statement: one pass of each pattern, whatever the number of starts. */
function lastPositions(statement: string): Positions {
  const last = (pattern: RegExp): number => {
    let at = -1;
    for (const match of statement.matchAll(pattern)) at = match.index ?? at;
    return at;
  };
  return { where: last(/\bwhere\b/g), tautology: last(new RegExp(TAUTOLOGY.source, 'g')), set: last(/\bset\s+[\w."]+\s*=/g) };
}

/** The offsets where a statement may begin: 0, and after every introducing keyword. */
function starts(statement: string): number[] {
  const found = [0];
  for (const match of statement.matchAll(INTRODUCER)) found.push((match.index ?? 0) + match[0].length);
  return found;
}

/**
 * The rule a statement breaks from `offset` on, if any, matched against the whole statement from
 * there. Each shape begins with its keyword and its name list cannot run past the next start, so
 * the starts together cost about one pass; the WHERE positions are computed once per statement.
 */
function brokenRule(statement: string, offset: number, positions: () => Positions, skip: (rule: Rule) => boolean): Rule | undefined {
  const restricted = (): boolean => positions().where >= offset && positions().tautology < offset;
  const startsAt = (rule: Rule): boolean => {
    rule.start.lastIndex = offset;
    return rule.start.test(statement) && (!rule.setLater || positions().set >= rule.start.lastIndex);
  };
  return RULES.find((rule) => !skip(rule) && startsAt(rule) && (!rule.unlessWhere || !restricted()));
}

/** Programs whose arguments (or whose piped-in `echo`) are queries. */
const SQL_CLIENTS = new Set([
  'psql', 'pgcli', 'mysql', 'mariadb', 'mycli', 'sqlite3', 'litecli', 'duckdb', 'sqlcmd', 'osql', 'isql', 'sqlplus', 'db2', 'cockroach', 'clickhouse',
  'clickhouse-client', 'mongo', 'mongosh', 'redis-cli', 'valkey-cli', 'snowsql', 'bq', 'cqlsh', 'trino', 'presto', 'spark-sql', 'beeline', 'hive', 'usql',
  'echo', 'printf',
]);

/**
 * The texts of a string that may hold SQL: the string, and read as shell, each command line
 * (a heredoc body's `DROP DATABASE x`) and each argument (`psql -c "…"`, `echo '…' | mysql`).
 */
function sqlTexts(scanned: ScannedString): string[] {
  const texts = new Set([scanned.text]);
  for (const { program, args } of commandsOf(scanned)) {
    texts.add([program, ...args].join(' '));
    if (!SQL_CLIENTS.has(program)) continue;
    // `redis-cli -h cache FLUSHALL`, `psql -c "…"`: every tail of the arguments may be the query.
    const tail = args.slice(-32);
    for (let i = 0; i < tail.length; i += 1) texts.add(tail.slice(i).join(' '));
    for (const arg of args) texts.add(arg);
  }
  return [...texts];
}

/**
 * `DROP DATABASE`/`DROP SCHEMA` (and MongoDB's `dropDatabase()`, Redis' `FLUSHALL`) → deny;
 * `DROP TABLE`, `TRUNCATE`, `DELETE`/`UPDATE` without a restricting `WHERE`, a wiped MongoDB
 * collection → at least escalate. Case, comments (`DROP/**\/DATABASE`), whitespace,
 * multi-statement text and dynamic SQL do not hide them; words inside quoted literals
 * (`SELECT 'drop table'`) are not statements.
 */
export const destructiveSql: Detector = {
  id: 'destructive-sql',
  detect(strings) {
    const findings: Finding[] = [];
    for (const scanned of commandTexts(strings)) {
      const { path } = scanned;
      const at = path || 'args';
      const candidates = sqlTexts(scanned).filter(mayHoldDestructiveSql);
      for (const { text: statement } of candidates.flatMap((text) => sqlStatements(text))) {
        let positions: Positions | undefined;
        const lazyPositions = () => {
          positions ??= lastPositions(statement);
          return positions;
        };
        for (const offset of starts(statement)) {
          const hit = brokenRule(statement, offset, lazyPositions, (rule) => findings.some((f) => f.rule === rule.rule && f.path === path));
          if (hit && !findings.some((f) => f.rule === hit.rule && f.path === path)) {
            findings.push({ rule: hit.rule, severity: hit.severity, reason: `${hit.what} in ${at}`, path });
          }
        }
        if (MONGO_WIPE.test(statement) && !findings.some((f) => f.rule === 'detector:collection-wipe' && f.path === path)) {
          findings.push({ rule: 'detector:collection-wipe', severity: 'escalate', reason: `empties a collection in ${at}`, path });
        }
      }
    }
    return findings;
  },
};
