import type { Command } from 'commander';
import { type AuditAnchor, formatAuditAnchor, parseAuditAnchors } from '../../model/audit-anchor.ts';
import type { AuditVerification } from '../../model/lifecycle-event.ts';
import { openStore } from '../open-store.ts';
import { writeOut } from '../output.ts';

/**
 * `tollgate audit verify --db URL [--anchor SEQ:HASH …]`: recomputes the audit hash chain and
 * checks it against anchors recorded outside the store. Exit 1 when broken, 2 on a bad anchor.
 */
export function registerAuditCommands(program: Command): void {
  const audit = program.command('audit').description('the hash-chained audit log');
  audit
    .command('verify')
    .description('recompute the audit chain and report the first broken entry; prints the head to record elsewhere and pass back as --anchor')
    .option('--db <url>', 'store (a running server\'s too): sqlite:PATH, or postgres://…?schema=NAME', 'sqlite:./tollgate.db')
    .option(
      '--anchor <seq:hash>',
      'an entry recorded outside the store (the head an earlier verify printed); the chain must still hold it. Repeatable, or comma-separated',
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .option('--json', 'print JSON')
    .action(async (options: { db: string; anchor?: string[]; json?: boolean }) => {
      // Checked before the store is opened: a mistyped anchor changes nothing and says so.
      const anchors: AuditAnchor[] = options.anchor ? parseAuditAnchors(options.anchor, '--anchor') : [];
      // Only reads: beside a running server too.
      const store = await openStore(options.db, { readOnly: true });
      try {
        const result = await store.verifyAudit(anchors);
        writeOut(options.json ? `${JSON.stringify(result)}\n` : describe(result));
        if (!result.ok) process.exitCode = 1;
      } finally {
        await store.close();
      }
    });
}

function describe(result: AuditVerification): string {
  if (!result.ok) {
    return `audit chain BROKEN at seq ${result.brokenAt}${result.reason ? `: ${result.reason}` : ''} (${result.entries} entries checked)\n`;
  }
  const anchored = result.anchors ? `, holds ${result.anchors === 1 ? 'the anchor' : `all ${result.anchors} anchors`}` : '';
  const head = result.head ? `\nhead ${formatAuditAnchor(result.head)}  (record it elsewhere; --anchor ${formatAuditAnchor(result.head)} proves later that nothing up to it was rewritten)` : '';
  return `audit chain ok: ${result.entries} entries${anchored}${head}\n`;
}
