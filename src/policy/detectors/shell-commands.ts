import type { ScannedString } from './detector.ts';
import { type Redirect, type ShellCommand, parseShell } from './shell-words.ts';

/** A command as it finally runs: the program (basename) and its arguments, wrappers removed. */
export interface SimpleCommand {
  program: string;
  args: string[];
  redirects: Redirect[];
}

/** Words that start a command without being it (`if rm …`, `{ rm …; }`, `! rm …`). */
const KEYWORDS = new Set(['{', '}', '!', 'if', 'then', 'elif', 'else', 'do', 'while', 'until', 'coproc']);
const ASSIGNMENT = /^[a-z_][a-z0-9_]*(\[[^\]]*\])?\+?=/;

/**
 * How a wrapper's options read. The text is lowercased (so `-C` and `-c` look alike), so an
 * option that takes a value in one case and not in the other is `ambiguous`, and both
 * readings are checked.
 */
interface Wrapper {
  withValue: ReadonlySet<string>;
  ambiguous: ReadonlySet<string>;
  /** Positional words between the options and the wrapped command (`timeout 10 rm`). */
  positional: number;
}

const wrapper = (withValue: string[] = [], ambiguous: string[] = [], positional = 0): Wrapper => ({
  withValue: new Set(withValue),
  ambiguous: new Set(ambiguous),
  positional,
});

/** Programs that run the rest of their words as a command. */
const WRAPPERS: Record<string, Wrapper> = {
  sudo: wrapper(['-u', '-g', '-c', '-r', '-t', '-d', '--user', '--group', '--host', '--prompt', '--chdir', '--role', '--type', '--close-from', '--other-user', '--chroot'], ['-h', '-p']),
  doas: wrapper(['-u', '-c']),
  env: wrapper(['-u', '--unset', '-c', '--chdir']),
  nice: wrapper(['-n', '--adjustment']),
  ionice: wrapper(['-c', '-n', '--class', '--classdata']),
  timeout: wrapper(['-s', '--signal', '-k', '--kill-after'], [], 1),
  stdbuf: wrapper(['-i', '-o', '-e', '--input', '--output', '--error']),
  chroot: wrapper(['--userspec', '--groups'], [], 1),
  xargs: wrapper(['-a', '-d', '-n', '-s', '--arg-file', '--delimiter', '--eof', '--replace', '--max-lines', '--max-args', '--max-procs', '--max-chars'], ['-e', '-i', '-l', '-p']),
  time: wrapper(['-f', '-o', '--format', '--output']),
  nohup: wrapper(),
  exec: wrapper(['-a']),
  command: wrapper(),
  builtin: wrapper(),
  setsid: wrapper(),
  unbuffer: wrapper(),
  nocorrect: wrapper(),
  noglob: wrapper(),
  busybox: wrapper(),
  caffeinate: wrapper(['-t', '-w']),
  flock: wrapper(['-w', '--timeout', '--conflict-exit-code'], ['-e'], 1),
};

/** POSIX-like shells: their `-c` value, and without one what they read on standard input, is a command line. */
export const SHELLS: ReadonlySet<string> = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh', 'mksh', 'ash', 'fish', 'rbash']);
const SHELL_WITH_VALUE = new Set(['-o', '+o', '--rcfile', '--init-file']);
const SSH = wrapper(['-b', '-d', '-e', '-i', '-j', '-l', '-o', '-p', '-r', '-w'], ['-c', '-f', '-m', '-q', '-s'], 1);
const WATCH = wrapper(['-n', '--interval']);
/** Interpreters whose `-c`/`-e` value is a program (`python3.12 -c`, `node -e`, `perl -e`). */
export const INTERPRETER = /^(python[\d.]*|pypy[\d.]*|perl|ruby|node|nodejs|deno|bun|php|lua|tclsh|osascript)$/;
const INLINE_CODE = new Set(['-c', '-e', '-r', '--eval', '--command']);

const LITERAL = /(["'])((?:\\.|(?!\1)[^\\])*)\1/g;
/** Calls that hand a string (or an argv list) to a shell or `exec`: `os.system('…')`, `subprocess.run([…])`, `execSync('…')`. */
const EXEC_CALL = /\b(?:system|popen|exec\w*|spawn\w*|run|call|check_call|check_output|getoutput|getstatusoutput|shell_exec|passthru|proc_open)\s*\(\s*(\[[^\]]*\]|(["'])(?:\\.|(?!\2)[^\\])*\2)/g;

/** The commands inline code runs: the strings it passes to exec-like calls, and backtick commands. */
function executedStrings(code: string): string[] {
  const found = [...code.matchAll(/`([^`]*)`/g)].map((match) => match[1] as string);
  for (const match of code.matchAll(EXEC_CALL)) {
    const literals = [...(match[1] as string).matchAll(LITERAL)].map((literal) => literal[2] as string);
    found.push(literals.join(' '));
  }
  return found;
}

/** Programs whose `-c` (or `--command`) value is a shell command line. */
const INLINE_COMMAND = new Set(['su', 'flock', 'runuser']);

/**
 * Every command a shell text would run, with `sudo`, `env X=1`, `timeout 10`, `xargs`,
 * `bash -c '…'`, `sh <<< '…'`, `echo '…' | sh`, `eval`, `su -c`, `ssh host …` and `watch`
 * unwrapped to the command they run. An unclosed quote is read both ways (as the shell would,
 * and with every quote removed), so it cannot hide a command.
 * @throws Error when commands nest deeper than the parser allows (the detector then denies)
 * @example effectiveCommands(`sudo -u root bash -c 'rm -rf /'`) // [{ program: 'rm', args: ['-rf', '/'], … }]
 */
export function effectiveCommands(text: string): SimpleCommand[] {
  const parsed = parseShell(text);
  const found = unwrapAll(parsed.commands, 0);
  if (!parsed.balanced) found.push(...unwrapAll(parseShell(text.replace(/["'`]/g, ' ')).commands, 0));
  return found;
}

/** How many wrappers one command may go through; beyond it the detector throws (and denies). */
const MAX_UNWRAPS = 64;

interface Budget {
  left: number;
}

// Several detectors read the same strings as commands: parse each scanned string once.
const parsedCommands = new WeakMap<ScannedString, SimpleCommand[]>();

/**
 * `effectiveCommands` of a scanned string, memoised per string object.
 * @example commandsOf({ path: 'cmd', text: 'sudo rm -rf /', isKey: false, key: 'cmd' })[0]?.program // 'rm'
 */
export function commandsOf(scanned: ScannedString): SimpleCommand[] {
  let commands = parsedCommands.get(scanned);
  if (commands === undefined) {
    commands = effectiveCommands(scanned.text);
    parsedCommands.set(scanned, commands);
  }
  return commands;
}

/**
 * The program a shell or an interpreter "runs" when what it reads on standard input was piped
 * from a downloader (`curl … | sh`): code from the network, unseen by the gate. Not a name any
 * real command has (it has a space); the remote-code detector looks for it.
 */
export const DOWNLOADED_CODE = 'downloaded code';
/** Programs that fetch a URL and can write what they fetched to standard output. */
export const DOWNLOADERS = new Set(['curl', 'wget', 'fetch', 'http', 'https', 'xh', 'aria2c', 'iwr', 'invoke-webrequest', 'irm', 'invoke-restmethod']);
/** Programs that run the text they read as code, with no argument (PowerShell's `iex`). */
const EVALUATES_STDIN = new Set(['iex', 'invoke-expression']);

/** Programs that pass what they read on to their output, so downloaded code stays downloaded code (`curl … | tee log | sh`). */
const PASSES_THROUGH = new Set(['tee', 'cat', 'gunzip', 'zcat', 'gzip', 'bunzip2', 'bzcat', 'xz', 'xzcat', 'unxz', 'zstd', 'zstdcat', 'base64', 'tr', 'sed', 'head', 'tail', 'dd', 'iconv', 'dos2unix', 'stdbuf', 'pv']);

function unwrapAll(commands: readonly ShellCommand[], depth: number, shared?: Budget): SimpleCommand[] {
  const found: SimpleCommand[] = [];
  let fedDownloadedCode = false;
  commands.forEach((command, index) => {
    const before = commands[index - 1];
    let fromPipe: string | null = null;
    if (before?.pipesInto) {
      const passedOn = fedDownloadedCode && PASSES_THROUGH.has(basename(before.words[0] ?? ''));
      fromPipe = echoed(before.words) ?? (passedOn ? DOWNLOADED_CODE : downloaded(before, depth, shared));
    }
    fedDownloadedCode = fromPipe === DOWNLOADED_CODE;
    const hereString = command.redirects.find((redirect) => redirect.op === '<<<')?.target ?? null;
    const budget = shared ?? { left: MAX_UNWRAPS };
    found.push(...unwrap(command.words, command.redirects, depth, hereString ?? fromPipe, budget));
  });
  return found;
}

/** {@link DOWNLOADED_CODE} when the command piping into the next one fetches from the network (through wrappers: `sudo curl …`). */
function downloaded(command: ShellCommand, depth: number, shared?: Budget): string | null {
  const budget = shared ?? { left: MAX_UNWRAPS };
  return unwrap(command.words, [], depth, null, budget).some((inner) => DOWNLOADERS.has(inner.program)) ? DOWNLOADED_CODE : null;
}

/** What `echo …` / `printf …` writes, when a pipe feeds it to a shell. */
function echoed(words: readonly string[]): string | null {
  const program = basename(words[0] ?? '');
  if (program !== 'echo' && program !== 'printf') return null;
  return words
    .slice(1)
    .filter((word) => !/^-[a-z]+$/.test(word))
    .join(' ');
}

function unwrap(words: readonly string[], redirects: Redirect[], depth: number, stdin: string | null, budget: Budget): SimpleCommand[] {
  budget.left -= 1;
  if (budget.left < 0) throw new Error(`a command wrapped more than ${MAX_UNWRAPS} times`);
  const nested = (text: string): SimpleCommand[] => unwrapAll(parseShell(text, depth + 1).commands, depth + 1, budget);
  // Both readings of a wrapper's ambiguous options; the same words are unwrapped once.
  const eitherReading = (args: readonly string[], options: Wrapper, then: (rest: string[]) => SimpleCommand[]): SimpleCommand[] => {
    const asFlag = skipOptions(args, options, false);
    const asValue = skipOptions(args, options, true);
    return asFlag.length === asValue.length ? then(asFlag) : [...then(asFlag), ...then(asValue)];
  };
  // Skip leading keywords and assignments by index: slicing per word made `! ! ! …` quadratic.
  let first = 0;
  while (first < words.length && (KEYWORDS.has(words[first] as string) || ASSIGNMENT.test(words[first] as string))) first += 1;
  const head = words[first];
  // `> /dev/sda` alone still writes: keep a command without words when it redirects.
  if (head === undefined) return redirects.length > 0 ? [{ program: '', args: [], redirects }] : [];
  const program = basename(head);
  const args = words.slice(first + 1);
  const wrapped = WRAPPERS[program];
  if (program === 'env') {
    const split = args.findIndex((word) => word === '-s' || word === '--split-string');
    if (split >= 0) return nested(args.slice(split + 1).join(' '));
  }
  if (wrapped) {
    // `echo / | xargs rm -rf`: xargs appends what it reads to the command it runs.
    const piped = program === 'xargs' && stdin !== null ? stdin.split(/\s+/).filter(Boolean) : [];
    return eitherReading(args, wrapped, (inner) => unwrap([...inner, ...piped], redirects, depth, program === 'xargs' ? null : stdin, budget));
  }
  if (program === 'eval') return nested(args.join(' '));
  if (program === 'watch') return eitherReading(args, WATCH, (inner) => nested(inner.join(' ')));
  if (program === 'ssh') return eitherReading(args, SSH, (remote) => nested(remote.join(' ')));
  if (SHELLS.has(program)) {
    const { script, operands } = shellInvocation(args);
    if (script !== null) return nested(script);
    // `bash -s -- args` and `bash -` read the script from standard input too.
    if (stdin === DOWNLOADED_CODE && (operands === 0 || args.includes('-s') || args[args.length - operands] === '-')) return [{ program: DOWNLOADED_CODE, args: [], redirects }];
    if (operands === 0 && stdin !== null) return nested(stdin);
  }
  if (stdin === DOWNLOADED_CODE && (EVALUATES_STDIN.has(program) || (INTERPRETER.test(program) && readsProgramFromStdin(args)))) {
    return [{ program, args, redirects }, { program: DOWNLOADED_CODE, args: [], redirects }];
  }
  if (INTERPRETER.test(program)) {
    // `python -c "os.system('rm -rf /')"`: what inline code hands to a shell is a command.
    const at = args.findIndex((word) => INLINE_CODE.has(word));
    const code = at >= 0 ? (args[at + 1] ?? '') : '';
    return [{ program, args, redirects }, ...executedStrings(code).flatMap((line) => nested(line))];
  }
  if (INLINE_COMMAND.has(program)) {
    const at = args.findIndex((word) => word === '-c' || word === '--command');
    const inline = args.find((word) => word.startsWith('--command='));
    if (at >= 0) return nested(args[at + 1] ?? '');
    if (inline) return nested(inline.slice('--command='.length));
  }
  return [{ program, args, redirects }];
}

/** The `-c` script of a shell invocation (`bash -lc '…'`), and how many operands follow the options. */
function shellInvocation(args: readonly string[]): { script: string | null; operands: number } {
  let inline = false;
  let i = 0;
  for (; i < args.length; i += 1) {
    const word = args[i] as string;
    if (word === '--') {
      i += 1;
      break;
    }
    if (!/^[-+]/.test(word) || word.length < 2) break;
    if (SHELL_WITH_VALUE.has(word)) i += 1;
    else if (/^-[a-z]*c[a-z]*$/.test(word)) inline = true;
  }
  const operands = args.length - Math.min(i, args.length);
  return { script: inline ? (args[i] ?? '') : null, operands };
}

/** Whether an interpreter's arguments leave its program to standard input: no script operand, or `-` (`python3 -`, `node`, `perl -w`). */
function readsProgramFromStdin(args: readonly string[]): boolean {
  if (args.some((word) => INLINE_CODE.has(word))) return false;
  const operand = args.find((word) => !word.startsWith('-') || word === '-');
  return operand === undefined || operand === '-';
}

/** Drops leading options (and the values of those that take one), assignments and positionals. */
function skipOptions(args: readonly string[], options: Wrapper, ambiguousTakesValue: boolean): string[] {
  let i = 0;
  while (i < args.length) {
    const word = args[i] as string;
    if (word === '--') {
      i += 1;
      break;
    }
    if (word.startsWith('-') && word.length > 1) {
      const takesValue = options.withValue.has(word) || (ambiguousTakesValue && options.ambiguous.has(word));
      i += takesValue ? 2 : 1;
    } else if (ASSIGNMENT.test(word)) i += 1;
    else break;
  }
  return args.slice(i + options.positional);
}

/**
 * The program name of a command word.
 * @example basename('/usr/bin/rm') // 'rm'
 */
export function basename(word: string): string {
  return word.replace(/^.*\//, '');
}
