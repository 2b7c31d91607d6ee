import type { Command } from 'commander';
import { pino } from 'pino';
import { POSTGRES_MIGRATIONS } from '../../store/postgres-schema.ts';
import { SQLITE_MIGRATIONS } from '../../store/sqlite-schema.ts';
import { openStore } from '../open-store.ts';
import { writeErr, writeOut } from '../output.ts';

/**
 * `tollgate migrate --db URL`: brings a store's schema up to date and says which version it is
 * at. Opening a store migrates it too (workers do at start, under an advisory lock on
 * PostgreSQL); this runs it on its own, e.g. before a rolling deploy. What opening does (a
 * migration from one version to another, a new database file) is said on standard error.
 * Migrations are one-way: an older Tollgate refuses the migrated store, so back it up first.
 * @example registerMigrateCommand(program); // tollgate migrate --db 'postgres://…?schema=tollgate'
 */
export function registerMigrateCommand(program: Command): void {
  program
    .command('migrate')
    .description('apply the store’s schema migrations (also done by every worker at start; one-way: back up first)')
    .option('--db <url>', 'store: sqlite:PATH or postgres://… (?schema=NAME)', 'sqlite:./tollgate.db')
    .option('--json', 'print JSON')
    .action(async (options: { db: string; json?: boolean }) => {
      const store = await openStore(options.db, { logger: sentenceLogger() });
      try {
        const version = store.kind === 'postgres' ? POSTGRES_MIGRATIONS.length : store.kind === 'sqlite' ? SQLITE_MIGRATIONS.length : 0;
        if (options.json) writeOut(`${JSON.stringify({ store: store.kind, schemaVersion: version })}\n`);
        else writeOut(`${store.kind} store at schema version ${version}\n`);
      } finally {
        await store.close();
      }
    });
}

/** The store's info and warnings as one `tollgate: …` sentence each on standard error (a command line tool's, not a server's JSON log). */
function sentenceLogger() {
  return pino({ level: 'info' }, { write: (line: string) => writeErr(`tollgate: ${(JSON.parse(line) as { msg: string }).msg}\n`) });
}
