import { type ParseArgsConfig, parseArgs } from 'node:util';

/**
 * Parses `process.argv` for one of the bench or torture commands: `--help` prints `usage` and
 * exits 0; an unknown option, a missing value or a stray argument prints what is wrong and the
 * usage, and exits 2 — never a stack trace.
 * @example const values = parseCommandArgs({ tasks: { type: 'string', default: '100' } }, 'npm run torture -- [--tasks N]');
 */
export function parseCommandArgs<O extends NonNullable<ParseArgsConfig['options']>>(options: O, usage: string, args = process.argv.slice(2)) {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(`${usage}\n`);
    process.exit(0);
  }
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${usage}\n`);
    process.exit(2);
  }
}
