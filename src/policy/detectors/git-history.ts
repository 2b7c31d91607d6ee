import type { JsonObject, JsonValue } from '../../model/json.ts';
import type { Detector, Finding } from './detector.ts';
import { normalizeCommand, splitCommands } from './scan.ts';

const FORCE = /(^|\s)(--force|-f)(?=\s|$)/g;

/** Replaces `--force`/`-f` with `--force-with-lease` in every string of the arguments. */
function withLease(value: JsonValue): JsonValue {
  if (typeof value === 'string') {
    return /(^|\s)git\s/i.test(` ${value}`) && /\bpush\b/i.test(value) ? value.replace(/(^|\s)(--force|-f)(?=\s|$)/g, '$1--force-with-lease') : value;
  }
  if (Array.isArray(value)) {
    const joined = value.every((item) => typeof item === 'string') && value.includes('push');
    return value.map((item) => (joined && (item === '--force' || item === '-f') ? '--force-with-lease' : withLease(item)));
  }
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, withLease(child)]));
  }
  return value;
}

/**
 * `git push --force` → alternative (`--force-with-lease`, which refuses to overwrite others'
 * work); `git reset --hard` → escalate.
 */
export const gitHistory: Detector = {
  id: 'git-history',
  detect(strings, args) {
    const findings: Finding[] = [];
    for (const { text, path, isKey } of strings) {
      if (isKey) continue;
      for (const command of splitCommands(normalizeCommand(text))) {
        if (!/(^|\s)git(\s|$)/.test(command)) continue;
        const at = path || 'args';
        if (/\bpush\b/.test(command) && (command.match(FORCE) || / \+\S+/.test(command.slice(command.indexOf('push'))))) {
          findings.push({
            rule: 'detector:git-push-force',
            severity: 'alternative',
            reason: `force push in ${at}; --force-with-lease keeps others' commits safe`,
            path,
            saferArgs: withLease(args) as JsonObject,
          });
        } else if (/\breset\b/.test(command) && /(^|\s)--hard(\s|$)/.test(command)) {
          findings.push({ rule: 'detector:git-reset-hard', severity: 'escalate', reason: `git reset --hard in ${at}`, path });
        }
      }
    }
    return findings;
  },
};
