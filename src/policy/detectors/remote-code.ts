import type { Detector, Finding } from './detector.ts';
import { commandTexts } from './scan.ts';
import { DOWNLOADED_CODE, DOWNLOADERS, INTERPRETER, SHELLS, type SimpleCommand, basename, commandsOf } from './shell-commands.ts';

/** Programs that run a file they are given — a process substitution `<(…)` is such a file. */
const RUNS_FILE = new Set([...SHELLS, 'source', '.']);

/** Whether a command runs the output of a substitution: `sh -c "$(…)"`, `eval "$(…)"`, `bash <(…)`, `source <(…)`. */
function runsSubstitution(command: SimpleCommand): boolean {
  if (command.program.includes('$()')) return true;
  return RUNS_FILE.has(command.program) && command.redirects.some((redirect) => redirect.op === '<' && redirect.target === '');
}

/** Options of curl and wget that name the file they write (lowercased, as the detectors read shell text: curl's `-O` is `-o` here). */
const OUTPUT_OPTIONS = new Set(['-o', '--output', '--output-document', '--remote-name', '-p', '--directory-prefix']);
const URL = /^[a-z][a-z0-9+.-]*:\/\//;

/** The names of the files the downloads of a text write: their `-o`/`-O` values, and the last path segment of every URL they fetch (wget's default, curl's `-O`). */
function downloadedFiles(commands: readonly SimpleCommand[]): Set<string> {
  const files = new Set<string>();
  for (const { program, args } of commands) {
    if (!DOWNLOADERS.has(program)) continue;
    args.forEach((word, index) => {
      const next = args[index + 1];
      // `-o FILE`, and a cluster of short flags ending in it (`-sSLo FILE`).
      const namesNext = OUTPUT_OPTIONS.has(word) || /^-[a-z]+o$/.test(word);
      if (namesNext && next !== undefined && !next.startsWith('-')) files.add(basename(next.replace(/[?#].*$/, '')));
      else if (word.startsWith('--output=') || word.startsWith('--output-document=')) files.add(basename(word.slice(word.indexOf('=') + 1)));
      if (URL.test(word)) files.add(basename(word.replace(/[?#].*$/, '')));
    });
  }
  files.delete('');
  followCopies(commands, files);
  return files;
}

/** Programs that give a file another name: what they write is the same code. */
const COPIERS = new Set(['mv', 'cp', 'ln', 'install', 'rsync']);

/**
 * Adds to `files` the names that copies and renames give them, in command order (`curl -o a URL
 * && mv a b && sh b`): the last operand names the copy — a directory keeps the file's name, which
 * is already in `files`, and its own last segment is added too (harmless: only a command that
 * runs it matters).
 */
function followCopies(commands: readonly SimpleCommand[], files: Set<string>): void {
  for (const { program, args } of commands) {
    if (!COPIERS.has(program)) continue;
    const operands = args.filter((word) => !word.startsWith('-'));
    const target = operands.at(-1);
    if (target === undefined || operands.length < 2) continue;
    if (operands.slice(0, -1).some((source) => files.has(basename(source)))) files.add(basename(target));
  }
  files.delete('');
}

/** Whether a command runs one of `files`: as the program (`./install.sh`), or as the script of a shell or an interpreter (`sh install.sh`, `python3 get-pip.py`). */
function runsOneOf(command: SimpleCommand, files: ReadonlySet<string>): boolean {
  if (files.has(command.program)) return true;
  if (!RUNS_FILE.has(command.program) && !INTERPRETER.test(command.program)) return false;
  const script = command.args.find((word) => !word.startsWith('-'));
  return script !== undefined && files.has(basename(script));
}

/**
 * Code fetched from the network and run at once → escalate: a download piped into a shell or an
 * interpreter (`curl -fsSL URL | sh`, `wget -qO- URL | sudo bash -s`, `curl URL | python3 -`,
 * `iwr URL | iex`), or run through a substitution (`sh -c "$(curl URL)"`, `eval "$(wget -O- URL)"`,
 * `bash <(curl URL)`), or written to a file that a later command runs (`curl -o i.sh URL && sh i.sh`,
 * `wget URL/install.sh; bash install.sh`, also once moved or copied: `curl -o a URL && mv a b && sh b`), through wrappers, pass-through filters (`| tee log | sh`)
 * and nested shells. Whatever the autonomy: what would run
 * is not in the arguments, so no rule can judge it and a human looks.
 */
export const remoteCode: Detector = {
  id: 'remote-code',
  detect(strings) {
    const findings: Finding[] = [];
    for (const scanned of commandTexts(strings)) {
      const commands = commandsOf(scanned);
      const piped = commands.some((command) => command.program === DOWNLOADED_CODE);
      const downloads = commands.some((command) => DOWNLOADERS.has(command.program));
      const substituted = downloads && commands.some(runsSubstitution);
      const files = downloads ? downloadedFiles(commands) : undefined;
      const runsDownloadedFile = files !== undefined && files.size > 0 && commands.some((command) => !DOWNLOADERS.has(command.program) && runsOneOf(command, files));
      if (piped || substituted || runsDownloadedFile) {
        const at = scanned.path || 'args';
        findings.push({ rule: 'detector:remote-code', severity: 'escalate', reason: `runs code downloaded from the network in ${at}: what it would run is not in the arguments`, path: scanned.path });
      }
    }
    return findings;
  },
};
