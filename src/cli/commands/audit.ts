import type { Command } from 'commander';
import { openStore } from '../open-store.ts';
import { writeOut } from '../output.ts';

/** `tollgate audit verify --db URL`: recomputes the audit hash chain. Exit 1 when broken. */
export function registerAuditCommands(program: Command): void {
  const audit = program.command('audit').description('the hash-chained audit log');
  audit
    .command('verify')
    .description('recompute the audit chain and report the first broken entry')
    .option('--db <url>', 'store (a running server\'s too): sqlite:PATH, or postgres://…?schema=NAME', 'sqlite:./tollgate.db')
    .option('--json', 'print JSON')
    .action(async (options: { db: string; json?: boolean }) => {
      // Only reads: beside a running server too.
      const store = await openStore(options.db, { readOnly: true });
      try {
        const result = await store.verifyAudit();
        if (options.json) writeOut(`${JSON.stringify(result)}\n`);
        else if (result.ok) writeOut(`audit chain ok: ${result.entries} entries\n`);
        else writeOut(`audit chain BROKEN at seq ${result.brokenAt}${result.reason ? `: ${result.reason}` : ''} (${result.entries} entries checked)\n`);
        if (!result.ok) process.exitCode = 1;
      } finally {
        await store.close();
      }
    });
}
