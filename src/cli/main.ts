import { Command, CommanderError } from 'commander';
import { GateError } from '../errors.ts';
import { registerAuditCommands } from './commands/audit.ts';
import { registerBackupCommand } from './commands/backup.ts';
import { registerApprovalCommands } from './commands/approvals.ts';
import { registerDemoCommand } from './commands/demo.ts';
import { registerMigrateCommand } from './commands/migrate.ts';
import { registerPolicyCommands } from './commands/policy.ts';
import { registerServeCommand } from './commands/serve.ts';
import { registerTaskCommands } from './commands/tasks.ts';
import { printable, writeErr } from './output.ts';

/** Builds the `tollgate` command. */
export function buildProgram(): Command {
  const program = new Command('tollgate')
    .description('Tollgate: an approval gate for AI agent actions')
    .version('0.1.0')
    .showHelpAfterError()
    .exitOverride();
  registerDemoCommand(program);
  registerAuditCommands(program);
  registerMigrateCommand(program);
  registerBackupCommand(program);
  registerServeCommand(program);
  registerTaskCommands(program);
  registerApprovalCommands(program);
  registerPolicyCommands(program);
  return program;
}

let stdoutGuarded = false;

/**
 * Output piped into a reader that stopped (`tollgate tasks ls --json | head`): stop writing,
 * never crash with an unhandled EPIPE. Once per process, for as long as it runs (`serve` writes
 * later too): a host or a test running `main` many times adds no listener each time.
 */
function guardStdoutPipe(): void {
  if (stdoutGuarded) return;
  stdoutGuarded = true;
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
}

/**
 * Runs the CLI with `argv` (as `process.argv`). Exits non-zero with a clear message on bad
 * input; never prints a stack trace for an expected error.
 * @example await main(process.argv);
 */
export async function main(argv: string[]): Promise<void> {
  guardStdoutPipe();
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit 0; every usage error (unknown option or command, a missing
      // argument) is 2, like an invalid value: a script tells bad usage from a failure (1).
      process.exitCode = error.exitCode === 0 ? 0 : 2;
      return;
    }
    if (error instanceof GateError) {
      // The message may carry a server's words about the caller's input: shown, never acted on by the terminal.
      writeErr(`tollgate: ${printable(error.message)} (${error.code})\n`);
      // A store that is not there, or cannot be opened as given, is bad usage too (README's exit codes).
      process.exitCode = error.code === 'validation_failed' || error.code === 'store_misconfigured' ? 2 : 1;
      return;
    }
    // A system error (ECONNREFUSED from a database that is down, EACCES on a file) is the
    // environment's, not a bug: its message says it all. Anything else gets its stack.
    const systemCode = (error as NodeJS.ErrnoException)?.code;
    const systemError = typeof systemCode === 'string' && /^E[A-Z0-9_]+$/.test(systemCode);
    writeErr(`tollgate: ${systemError ? (error as Error).message : ((error as Error)?.stack ?? String(error))}\n`);
    process.exitCode = 1;
  }
}
