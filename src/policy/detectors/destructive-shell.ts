import { posix } from 'node:path';
import type { Detector, Finding, ScannedString } from './detector.ts';
import { beyondTrackedDepth } from './path-traversal.ts';
import { commandTexts } from './scan.ts';
import { INTERPRETER, type SimpleCommand, commandsOf } from './shell-commands.ts';
import { normalizeShellText } from './shell-words.ts';

/** System directories whose recursive removal (or chmod/chown) destroys a machine. */
const SYSTEM_TARGETS = new Set([
  '/root', '/home', '/etc', '/usr', '/var', '/bin', '/sbin', '/boot', '/lib', '/lib64', '/opt', '/srv', '/dev', '/sys', '/proc', '/system', '/users', '/applications', '/library', 'c:', 'c:/windows',
]);
const BLOCK_DEVICE = /^\/dev\/(sd[a-z]|hd[a-z]|vd[a-z]|xvd[a-z]|nvme\d|mmcblk\d|disk\d|rdisk\d|md\d|dm-\d|mapper\/|loop\d)/;
const FORMATTERS = /^(mkfs(\..+)?|mke2fs|mkswap|wipefs|newfs(_.+)?)$/;
const FORK_BOMB = /:\s*\(\s*\)\s*\{\s*:\s*\|\s*:\s*&\s*\}\s*;?\s*:/;

const HOME = '/home/~';

/**
 * Whether a path operand names `/`, a system directory, a home (`~`, `$HOME`, `~alice`), or a
 * glob at the top of `/` (`/*`, `/b*`, `/{bin,etc}`), after `..`, `//` and `/.` are resolved.
 * @example isSystemTarget('/usr/../') // true
 */
export function isSystemTarget(operand: string): boolean {
  const expanded = operand.replace(/\\/g, '/').replace(/^(~[a-z0-9_.-]*|\$home|\$\{home\})(?=\/|$)/, HOME);
  if (!expanded.startsWith('/') && !/^[a-z]:(\/|$)/.test(expanded)) return false;
  const path = posix.normalize(expanded);
  if (/^\/[^/]*[*?[{]/.test(path)) return true;
  const trimmed = path.replace(/(\/\**)+$/, '');
  return trimmed === '' || trimmed === HOME || SYSTEM_TARGETS.has(trimmed);
}

interface Flags {
  short: Set<string>;
  long: string[];
  operands: string[];
}

/** Options and operands of a command; flags may come after operands (GNU), `--` ends them. */
function readFlags(args: readonly string[]): Flags {
  const flags: Flags = { short: new Set(), long: [], operands: [] };
  let done = false;
  for (const arg of args) {
    if (!done && arg === '--') done = true;
    else if (!done && arg.startsWith('--')) flags.long.push(arg.slice(2).split('=')[0] as string);
    else if (!done && arg.startsWith('-') && arg.length > 1) for (const letter of arg.slice(1)) flags.short.add(letter);
    else flags.operands.push(arg);
  }
  return flags;
}

/** GNU accepts any unambiguous prefix of a long option (`--rec` for `--recursive`). */
const hasLong = (flags: Flags, option: string): boolean => flags.long.some((given) => given.length >= 3 && option.startsWith(given));

/** Where earlier `cd`s of the same text left the shell, when known (`cd / && rm -rf *`). */
function nextDirectory(command: SimpleCommand, cwd: string | null): string | null {
  if (command.program !== 'cd' && command.program !== 'pushd') return cwd;
  const target = readFlags(command.args).operands[0] ?? '~';
  if (/^([/~]|\$home|\$\{home\})/.test(target)) return target;
  return cwd === null ? null : posix.join(cwd, target);
}

/** Variables assigned in a text (`a=/; rm -rf $a`), roughly: the last value of each name. */
function assignments(text: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const match of normalizeShellText(text).matchAll(/(?:^|[\s;&|(])([a-z_][a-z0-9_]*)=("[^"]*"|'[^']*'|[^\s;&|)]*)/g)) {
    found.set(match[1] as string, (match[2] as string).replace(/^["']|["']$/g, ''));
  }
  return found;
}

/** Whether an operand is a system target (`root`), would be one if a variable were empty (`maybe`), or neither. */
type Classify = (operand: string) => 'root' | 'maybe' | null;

function classifier(cwd: string | null, variables: ReadonlyMap<string, string>): Classify {
  const direct = (operand: string): boolean => isSystemTarget(operand) || (cwd !== null && !/^[/~$]/.test(operand) && isSystemTarget(posix.join(cwd, operand)));
  return (operand) => {
    if (direct(operand)) return 'root';
    let unknown = false;
    const expanded = operand.replace(/\$\{?([a-z_][a-z0-9_]*)\}?|\$\(\)/g, (reference: string, name?: string) => {
      if (name === 'home') return reference;
      const value = name === undefined ? undefined : variables.get(name);
      if (value === undefined) unknown = true;
      return value ?? '';
    });
    if (expanded === operand || expanded === '' || !direct(expanded)) return null;
    return unknown ? 'maybe' : 'root';
  };
}

const DISK_TOOLS = /^(parted|sgdisk|sfdisk)$/;
const DISK_WIPE = /^(mklabel|rm|--zap|--zap-all|-z|-o|--clear|--delete)$/;
const RMTREE = /(rmtree|rm_rf|rm_r|rmsync|rmdirsync|rimraf|removeall|remove_dir_all)\s*\(\s*(["'`])(\/|\/\*|~|\$home)\2/;

function judge(command: SimpleCommand, classify: Classify, at: string, path: string): Finding | null {
  const { program, args, redirects } = command;
  const flags = readFlags(args);
  const deny = (rule: string, what: string): Finding => ({ rule, severity: 'deny', reason: `${what} in ${at}`, path });
  const isTarget = (operand: string): boolean => classify(operand) === 'root';
  const recursive = flags.short.has('r') || hasLong(flags, 'recursive');
  const target = flags.operands.find(isTarget);
  if (program === 'rm' && recursive && (target !== undefined || hasLong(flags, 'no-preserve-root'))) {
    return deny('detector:rm-rf-root', `recursive removal of ${target ?? '/'}`);
  }
  const maybe = flags.operands.find((operand) => classify(operand) === 'maybe');
  if (program === 'rm' && recursive && maybe !== undefined) {
    return { rule: 'detector:rm-rf-unset-variable', severity: 'escalate', reason: `recursive removal of ${maybe}, which is / or a system directory when a variable is empty, in ${at}`, path };
  }
  if (program === 'rsync' && flags.long.some((flag) => flag.startsWith('delete')) && isTarget(flags.operands.at(-1) ?? '')) {
    return deny('detector:rm-rf-root', `rsync --delete into ${flags.operands.at(-1)}`);
  }
  if (program === 'mv' && flags.operands.slice(0, -1).some(isTarget)) return deny('detector:move-system-dir', 'moves / or a system directory away');
  if (INTERPRETER.test(program) && RMTREE.test(args.join(' '))) return deny('detector:rm-rf-root', 'recursive removal of / from inline code');
  if (DISK_TOOLS.test(program) && args.some((arg) => DISK_WIPE.test(arg)) && args.some((arg) => BLOCK_DEVICE.test(arg))) {
    return deny('detector:dd-device', `${program} wipes a partition table`);
  }
  if (program === 'find') {
    const roots = args.slice(0, Math.max(0, args.findIndex((arg) => /^[-(!]/.test(arg)))).filter(isTarget);
    const deletes = args.includes('-delete') || args.some((arg, i) => /^-(exec|execdir|ok)$/.test(arg) && /^(.*\/)?(rm|shred|unlink)$/.test(args[i + 1] ?? ''));
    if (roots.length > 0 && deletes) return deny('detector:rm-rf-root', `find deleting everything under ${roots[0]}`);
  }
  if ((program === 'chmod' || program === 'chown' || program === 'chgrp') && recursive && target !== undefined) {
    return deny('detector:recursive-chmod-root', `recursive ${program} of ${target}`);
  }
  if (FORMATTERS.test(program)) return deny('detector:mkfs', `formats a filesystem (${program})`);
  if (program === 'dd' && args.some((arg) => arg.startsWith('of=') && BLOCK_DEVICE.test(arg.slice(3)))) {
    return deny('detector:dd-device', 'overwrites a block device');
  }
  if ((program === 'shred' || program === 'blkdiscard' || program === 'tee') && flags.operands.some((operand) => BLOCK_DEVICE.test(operand))) {
    return deny('detector:dd-device', `${program} of a block device`);
  }
  if (redirects.some((redirect) => redirect.op.includes('>') && BLOCK_DEVICE.test(redirect.target))) {
    return deny('detector:dd-device', 'writes straight to a block device');
  }
  return null;
}

/**
 * `rm -rf /` in any spelling (`rm -r -f /`, `rm -fr /*`, `rm --recursive --force /`,
 * `sudo rm -rf --no-preserve-root /`, `rm -rf ~`, `bash -c 'rm -rf /'`, `find / -delete`),
 * recursive chmod/chown of `/`, `mkfs*`, writes to block devices, fork bombs → deny.
 * `rm -rf ./build` and other removals inside a project are left to the decision table.
 */
export const destructiveShell: Detector = {
  id: 'destructive-shell',
  detect(strings: readonly ScannedString[]) {
    const findings: Finding[] = [];
    for (const scanned of commandTexts(strings)) {
      const { text, path } = scanned;
      const at = path || 'args';
      if (FORK_BOMB.test(normalizeShellText(text))) {
        findings.push({ rule: 'detector:fork-bomb', severity: 'deny', reason: `a fork bomb in ${at}`, path });
      }
      let cwd: string | null = null;
      let untracked = false;
      const variables = assignments(text);
      for (const command of commandsOf(scanned)) {
        const finding = judge(command, classifier(cwd, variables), at, path);
        if (finding) findings.push(finding);
        cwd = nextDirectory(command, cwd);
        // Past this the directory is unknown (null), and what it would have caught is not seen: escalate.
        if (cwd !== null && beyondTrackedDepth(cwd)) {
          cwd = null;
          if (!untracked) findings.push({ rule: 'detector:untracked-cwd', severity: 'escalate', reason: `changes directory deeper than can be followed in ${at}`, path });
          untracked = true;
        }
      }
    }
    return findings;
  },
};
