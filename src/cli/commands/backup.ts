import type { Command } from 'commander';
import { ValidationError } from '../../errors.ts';
import { formatAuditAnchor } from '../../model/audit-anchor.ts';
import { backupSqliteStore, type SqliteBackupReport } from '../../store/sqlite-backup.ts';
import { describeStoreUrl } from '../open-store.ts';
import { writeOut } from '../output.ts';

/**
 * `tollgate backup --db sqlite:PATH --to FILE [--force]`: an online, consistent copy of an
 * SQLite store, also while a server runs on it (store/sqlite-backup.ts). Prints what the copy
 * holds and its audit head. PostgreSQL stores are backed up with `pg_dump` of their schema.
 * @example registerBackupCommand(program); // tollgate backup --db sqlite:./tollgate.db --to ./tollgate-backup.db
 */
export function registerBackupCommand(program: Command): void {
  program
    .command('backup')
    .description('copy an SQLite store, consistently, while its server runs (PostgreSQL: use pg_dump of the schema)')
    .option('--db <url>', 'store: sqlite:PATH (or a bare path)', 'sqlite:./tollgate.db')
    .requiredOption('--to <file>', 'the copy (an SQLite database file); must not exist unless --force')
    .option('--force', 'replace FILE if it exists')
    .option('--json', 'print JSON')
    .action(async (options: { db: string; to: string; force?: boolean; json?: boolean }) => {
      const report = await backupSqliteStore(sqlitePathOf(options.db), options.to, { force: options.force ?? false });
      writeOut(options.json ? `${JSON.stringify(report)}\n` : describe(report));
    });
}

/** The file of an `sqlite:PATH` (or bare path) `--db`; anything else is refused with what to do instead. */
function sqlitePathOf(url: string): string {
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    throw new ValidationError(
      '--db: a PostgreSQL store is backed up with PostgreSQL\'s own tools: pg_dump --schema=SCHEMA (the ?schema= of the URL, public by default), restored with pg_restore or psql',
      [{ path: '--db', message: 'use pg_dump for PostgreSQL' }],
    );
  }
  if (url === 'memory:' || url === 'memory' || /^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
    throw new ValidationError(`--db ${describeStoreUrl(url)}: only an SQLite store (sqlite:PATH) can be backed up by this command`, [{ path: '--db', message: 'not an SQLite store' }]);
  }
  const path = url.startsWith('sqlite:') ? url.slice('sqlite:'.length) : url;
  if (!path) throw new ValidationError('--db sqlite: names no file', [{ path: '--db', message: 'no file' }]);
  return path;
}

function describe(report: SqliteBackupReport): string {
  const head = report.head ? `audit head ${formatAuditAnchor(report.head)}` : 'audit journal empty';
  return `backed up to ${report.path}: ${report.tasks} tasks, ${report.entries} audit entries, ${head}\n`;
}
