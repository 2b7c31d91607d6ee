import type { Detector, Finding } from './detector.ts';
import { normalizeCommand, splitCommands } from './scan.ts';

// Targets whose recursive removal destroys a system or a home directory.
const ROOT_TARGETS = new Set(['/', '/*', '/.', '/..', '~', '~/', '~/*', '$home', '${home}', '$home/', '/root', '/home', '/etc', '/usr', '/var', '/bin', '/boot', '/lib', '/opt', '/srv']);
const PREFIXES = new Set(['sudo', 'doas', 'nohup', 'exec', 'command', 'env', 'xargs', 'time', 'nice']);

/** Parses one simple command: its program (after sudo & co.), flags and operands. */
function parseCommand(command: string): { program: string; shortFlags: Set<string>; longFlags: Set<string>; operands: string[] } {
  const tokens = command.split(' ');
  while (tokens.length > 0 && (PREFIXES.has(tokens[0] as string) || /^\w+=/.test(tokens[0] as string))) tokens.shift();
  const program = (tokens.shift() ?? '').replace(/^.*\//, '');
  const shortFlags = new Set<string>();
  const longFlags = new Set<string>();
  const operands: string[] = [];
  let flagsDone = false;
  for (const token of tokens) {
    if (!flagsDone && token === '--') flagsDone = true;
    else if (!flagsDone && token.startsWith('--')) longFlags.add(token.slice(2).split('=')[0] as string);
    else if (!flagsDone && token.startsWith('-') && token.length > 1) for (const letter of token.slice(1)) shortFlags.add(letter);
    else operands.push(token);
  }
  return { program, shortFlags, longFlags, operands };
}

/**
 * `rm -rf /` in any spelling (`rm -r -f /`, `rm -fr /*`, `rm --recursive --force /`,
 * `sudo rm -rf --no-preserve-root /`, `rm -rf ~`), `mkfs*` and `dd of=/dev/…` → deny.
 * `rm -rf ./build` and other removals inside a project are left to the decision table.
 */
export const destructiveShell: Detector = {
  id: 'destructive-shell',
  detect(strings) {
    const findings: Finding[] = [];
    for (const { text, path, isKey } of strings) {
      if (isKey) continue;
      for (const command of splitCommands(normalizeCommand(text))) {
        const { program, shortFlags, longFlags, operands } = parseCommand(command);
        if (program === 'rm') {
          const recursive = shortFlags.has('r') || longFlags.has('recursive');
          const target = operands.find((operand) => ROOT_TARGETS.has(operand.replace(/\/+$/, '') || '/') || ROOT_TARGETS.has(operand));
          if (recursive && (target || longFlags.has('no-preserve-root'))) {
            findings.push({ rule: 'detector:rm-rf-root', severity: 'deny', reason: `recursive removal of ${target ?? '/'} in ${path || 'args'}`, path });
          }
        } else if (program.startsWith('mkfs')) {
          findings.push({ rule: 'detector:mkfs', severity: 'deny', reason: `formats a filesystem (${program}) in ${path || 'args'}`, path });
        } else if (program === 'dd' && operands.some((operand) => /^of=\/dev\/(sd|hd|nvme|vd|xvd|disk|mmcblk)/.test(operand))) {
          findings.push({ rule: 'detector:dd-device', severity: 'deny', reason: `overwrites a block device in ${path || 'args'}`, path });
        }
      }
    }
    return findings;
  },
};
