import type { SimpleCommand } from './shell-commands.ts';

/** Global options of `git` that take the next word as their value (`git -C dir push`). */
const GLOBAL_WITH_VALUE = new Set(['-c', '--git-dir', '--work-tree', '--namespace', '--super-prefix', '--config-env', '--exec-path']);

/** A `git` invocation: its subcommand (`push`, `reset`, …) and the words after it. */
export interface GitInvocation {
  subcommand: string;
  args: string[];
}

/**
 * Reads a command as a git invocation, skipping git's global options; null for other programs.
 * @example gitInvocation({ program: 'git', args: ['-C', 'repo', 'push', '-f'], redirects: [] }) // { subcommand: 'push', args: ['-f'] }
 */
export function gitInvocation(command: SimpleCommand): GitInvocation | null {
  if (command.program !== 'git') return null;
  let i = 0;
  while (i < command.args.length && (command.args[i] as string).startsWith('-')) {
    i += GLOBAL_WITH_VALUE.has(command.args[i] as string) ? 2 : 1;
  }
  const subcommand = command.args[i];
  return subcommand === undefined ? null : { subcommand, args: command.args.slice(i + 1) };
}

/**
 * Whether a `git push` overwrites the remote's history: `--force`, `-f` alone or in a cluster
 * (`-uf`), or a `+refspec`. `--force-with-lease` and `--force-if-includes` are the safe forms,
 * unless `--force` is given too.
 * @example isForcePush(['origin', '+main']) // true
 */
export function isForcePush(args: readonly string[]): boolean {
  return args.some((arg) => arg === '--force' || /^-[a-z0-9]*f[a-z0-9]*$/.test(arg) || /^\+[^+]/.test(arg));
}

/**
 * Whether a `git push` deletes or overwrites remote refs wholesale: `--delete`, `-d`,
 * `:branch`, `--mirror`, `--prune`.
 * @example deletesRemoteRefs(['origin', ':feature']) // true
 */
export function deletesRemoteRefs(args: readonly string[]): boolean {
  return args.some((arg) => arg === '--delete' || arg === '-d' || arg === '--mirror' || arg === '--prune' || /^:[^:]/.test(arg));
}
