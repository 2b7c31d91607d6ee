import type { Detector, Finding } from './detector.ts';

/** Removes comments and string literals, collapses whitespace, lowercases. */
function normalizeSql(text: string): string {
  return text
    .replace(/--[^\n]*/g, ' ')
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/'(?:[^']|'')*'/g, "''")
    .replace(/\s+/g, ' ')
    .toLowerCase()
    .trim();
}

/**
 * `DROP DATABASE`/`DROP SCHEMA` → deny; `DROP TABLE`, `TRUNCATE`, `DELETE`/`UPDATE` without
 * `WHERE` → at least escalate. Case, comments and whitespace do not hide them.
 */
export const destructiveSql: Detector = {
  id: 'destructive-sql',
  detect(strings) {
    const findings: Finding[] = [];
    for (const { text, path, isKey } of strings) {
      if (isKey) continue;
      for (const statement of normalizeSql(text).split(';').map((s) => s.trim())) {
        if (!statement) continue;
        const at = path || 'args';
        if (/^drop (database|schema)\b/.test(statement)) {
          findings.push({ rule: 'detector:drop-database', severity: 'deny', reason: `drops a database in ${at}`, path });
        } else if (/^drop table\b/.test(statement)) {
          findings.push({ rule: 'detector:drop-table', severity: 'escalate', reason: `drops a table in ${at}`, path });
        } else if (/^truncate\b/.test(statement)) {
          findings.push({ rule: 'detector:truncate', severity: 'escalate', reason: `truncates a table in ${at}`, path });
        } else if (/^delete from\b/.test(statement) && !/\bwhere\b/.test(statement)) {
          findings.push({ rule: 'detector:delete-without-where', severity: 'escalate', reason: `DELETE without WHERE in ${at}`, path });
        } else if (/^update \S+ set\b/.test(statement) && !/\bwhere\b/.test(statement)) {
          findings.push({ rule: 'detector:update-without-where', severity: 'escalate', reason: `UPDATE without WHERE in ${at}`, path });
        }
      }
    }
    return findings;
  },
};
