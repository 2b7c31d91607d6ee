import { type SimpleCommand, effectiveCommands } from './shell-commands.ts';
import { parseShell, shellQuote } from './shell-words.ts';

/** Global options of `git` that take the next word as their value (`git -C dir push`). */
const GLOBAL_WITH_VALUE = new Set(['-c', '--git-dir', '--work-tree', '--namespace', '--super-prefix', '--config-env', '--exec-path']);

/**
 * Alias expansions followed per command, over all its branches (a shell alias may run several
 * git commands, each an alias again). Beyond it the detector throws, and so denies: git refuses
 * alias loops, so only a crafted text gets there.
 */
const MAX_ALIAS_EXPANSIONS = 32;

interface Budget {
  left: number;
}

/** A `git` invocation: its subcommand (`push`, `reset`, …), the words after it, and the settings given with `-c`. */
export interface GitInvocation {
  subcommand: string;
  args: string[];
  /** `-c name=value` settings (names lowercased); a `--config-env` setting's value is unknown: null. */
  config: ReadonlyMap<string, string | null>;
}

/**
 * Reads a command as the git invocations it runs, skipping git's global options and expanding
 * aliases defined on the command line (`git -c alias.p=push p -f`, `git -c 'alias.x=!git push -f' x`,
 * `--config-env=alias.p=VAR`, whose value is unknown and so is read as a push too); [] for other
 * programs. The command as written is kept beside its expansion (git ignores an alias that
 * hides a built-in command).
 * @throws Error when aliases expand more than {@link MAX_ALIAS_EXPANSIONS} times (the detector then denies)
 * @example gitInvocations({ program: 'git', args: ['-c', 'alias.p=push', 'p', '-f'], redirects: [] }).map((g) => g.subcommand) // ['p', 'push']
 */
export function gitInvocations(command: SimpleCommand): GitInvocation[] {
  return invocationsOf(command, new Map(), { left: MAX_ALIAS_EXPANSIONS });
}

function invocationsOf(command: SimpleCommand, inherited: ReadonlyMap<string, string | null>, budget: Budget): GitInvocation[] {
  if (command.program !== 'git') return [];
  const config = new Map(inherited);
  const { args } = command;
  let i = 0;
  while (i < args.length && (args[i] as string).startsWith('-')) {
    const word = args[i] as string;
    if (word === '-c') setting(config, args[i + 1] ?? '', false);
    else if (word === '--config-env') setting(config, args[i + 1] ?? '', true);
    else if (word.startsWith('--config-env=')) setting(config, word.slice('--config-env='.length), true);
    i += GLOBAL_WITH_VALUE.has(word) ? 2 : 1;
  }
  const subcommand = args[i];
  return subcommand === undefined ? [] : expandAlias({ subcommand, args: args.slice(i + 1), config }, budget);
}

/** Records `name=value` (git's `-c`; a bare name is `true`) or `name=ENV` (`--config-env`: value unknown). */
function setting(config: Map<string, string | null>, text: string, fromEnvironment: boolean): void {
  const equals = text.indexOf('=');
  const name = equals < 0 ? text : text.slice(0, equals);
  config.set(name, fromEnvironment ? null : equals < 0 ? 'true' : text.slice(equals + 1));
}

function expandAlias(invocation: GitInvocation, budget: Budget): GitInvocation[] {
  const name = `alias.${invocation.subcommand}`;
  if (!invocation.config.has(name)) return [invocation];
  budget.left -= 1;
  if (budget.left < 0) throw new Error(`git aliases expanded more than ${MAX_ALIAS_EXPANSIONS} times`);
  const body = invocation.config.get(name);
  const { args, config } = invocation;
  if (body === null || body === undefined) return [invocation, { subcommand: 'push', args, config }];
  if (body.startsWith('!')) {
    // A shell alias runs `<body> "$@"` in a shell, its git commands under the same `-c` settings.
    const line = [body.slice(1), ...args.map(shellQuote)].join(' ');
    return [invocation, ...effectiveCommands(line).flatMap((command) => invocationsOf(command, config, budget))];
  }
  const [subcommand, ...words] = parseShell(body, 1).commands[0]?.words ?? [];
  if (subcommand === undefined) return [invocation];
  return [invocation, ...expandAlias({ subcommand, args: [...words, ...args], config }, budget)];
}

/**
 * Whether a `git push` overwrites the remote's history: `--force`, `-f` alone or in a cluster
 * (`-uf`), or a `+refspec` — on the command line or in a `-c remote.<name>.push=+…` setting.
 * `--force-with-lease` and `--force-if-includes` are the safe forms (the latter does nothing
 * without the former), unless `--force` is given too.
 * @example isForcePush(['origin', '+main']) // true
 */
export function isForcePush(args: readonly string[], config: ReadonlyMap<string, string | null> = new Map()): boolean {
  if (args.some((arg) => arg === '--force' || /^-[a-z0-9]*f[a-z0-9]*$/.test(arg) || /^\+[^+]/.test(arg))) return true;
  for (const [name, value] of config) if (/^remote\..+\.push$/.test(name) && value?.startsWith('+')) return true;
  return false;
}

/**
 * Whether a `git push` deletes or overwrites remote refs wholesale: `--delete`, `-d`,
 * `:branch`, `--mirror` (or a `-c remote.<name>.mirror` setting), `--prune`.
 * @example deletesRemoteRefs(['origin', ':feature']) // true
 */
export function deletesRemoteRefs(args: readonly string[], config: ReadonlyMap<string, string | null> = new Map()): boolean {
  if (args.some((arg) => arg === '--delete' || arg === '-d' || arg === '--mirror' || arg === '--prune' || /^:[^:]/.test(arg))) return true;
  for (const [name, value] of config) if (/^remote\..+\.mirror$/.test(name) && value !== 'false' && value !== 'no' && value !== 'off' && value !== '0') return true;
  return false;
}
