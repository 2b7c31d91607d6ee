import type { JsonObject, JsonValue } from '../../model/json.ts';
import type { Detector, Finding, ScannedString } from './detector.ts';
import { deletesRemoteRefs, gitInvocations, isForcePush } from './git-commands.ts';
import { isPushContext, leaseStructured, structuredForcePushes } from './git-structured.ts';
import { normalizeText } from './normalize-text.ts';
import { commandTexts, scanStrings } from './scan.ts';
import { commandsOf } from './shell-commands.ts';

const LEASE = '--force-with-lease';

/** Rewrites force flags to `--force-with-lease` inside the `push …` part of a command line. */
function rewriteLine(text: string): string {
  return text.replace(/\bpush\b[^;&|\n]*/gi, (region: string, offset: number) => {
    let dropped = false;
    let out = region
      .replace(/(^|[\s"'])--force(?=[\s"']|$)/gi, `$1${LEASE}`)
      .replace(/(^|[\s"'])-([a-z0-9]*)f([a-z0-9]*)(?=[\s"']|$)/gi, (_, before: string, a: string, b: string) => `${before}${a + b ? `-${a}${b} ` : ''}${LEASE}`)
      .replace(/(\s["']?)\+(?=[^\s"'+])/g, (_, before: string) => {
        dropped = true;
        return before;
      });
    if (dropped && !out.toLowerCase().includes(LEASE)) {
      // `-c alias.p=push … +main`: the alias's value ends after `push`, so no option fits there: no rewrite.
      if (text[offset - 1] === '=') return region;
      out = out.replace(/^push/i, (word) => `${word} ${LEASE}`);
    }
    return out;
  });
}

/** The same rewrite for an argv array (`['git', 'push', '-f', 'origin', '+main']`); items that are not strings are kept as they are. */
function rewriteArgv(argv: readonly JsonValue[]): JsonValue[] {
  const out: JsonValue[] = [];
  let lease = false;
  for (const word of argv) {
    if (typeof word !== 'string') {
      out.push(word);
      continue;
    }
    if (word.toLowerCase() === '--force' || /^-[a-z0-9]*f[a-z0-9]*$/i.test(word)) {
      const rest = word.startsWith('--') ? '' : word.slice(1).replace(/f/gi, '');
      if (rest) out.push(`-${rest}`);
      out.push(LEASE);
      lease = true;
    } else if (/^\+[^+]/.test(word)) {
      out.push(word.slice(1));
      if (!lease && !argv.some((w) => typeof w === 'string' && w.toLowerCase() === LEASE)) {
        out.splice(out.findIndex((w) => typeof w === 'string' && w.toLowerCase() === 'push') + 1, 0, LEASE);
        lease = true;
      }
    } else {
      out.push(word);
    }
  }
  return out;
}

/** The arguments with every force push turned into `--force-with-lease`. */
function withLease(value: JsonValue): JsonValue {
  if (typeof value === 'string') {
    // Rewritten as the detectors read it (`git pu\u200bsh -f` is a push), kept as sent when nothing changes.
    const folded = normalizeText(value);
    const rewritten = rewriteLine(folded);
    return rewritten === folded ? value : rewritten;
  }
  if (Array.isArray(value)) {
    // An argv (its non-string items skipped by the scan too) is rewritten as one command line.
    const argv = value.some((item) => typeof item === 'string' && item.toLowerCase() === 'push');
    return argv ? rewriteArgv(value) : value.map(withLease);
  }
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, withLease(child)]));
  }
  return value;
}

/** Force pushes and hard resets among the commands of the scanned strings. */
type Rewrite = 'push' | 'reset' | 'remote-delete';

interface HistoryRewrites {
  found: Array<{ kind: Rewrite; path: string }>;
  /** Whether any command runs `git push`, forced or not: its structured arguments are then a push's. */
  runsPush: boolean;
}

function findHistoryRewrites(strings: readonly ScannedString[]): HistoryRewrites {
  const result: HistoryRewrites = { found: [], runsPush: false };
  for (const scanned of commandTexts(strings)) {
    const { path } = scanned;
    for (const command of commandsOf(scanned)) {
      for (const git of gitInvocations(command)) {
        if (git.subcommand === 'push') result.runsPush = true;
        if (git.subcommand === 'push' && isForcePush(git.args, git.config)) result.found.push({ kind: 'push', path });
        else if (git.subcommand === 'push' && deletesRemoteRefs(git.args, git.config)) result.found.push({ kind: 'remote-delete', path });
        else if (git.subcommand === 'reset' && git.args.includes('--hard')) result.found.push({ kind: 'reset', path });
      }
    }
  }
  return result;
}

/** The command lines' history rewrites, and in a push context the structured force flags (`{ "force": true }`). */
function historyRewrites(strings: readonly ScannedString[], args: JsonObject, actionType: string | undefined): Array<{ kind: Rewrite; path: string }> {
  const { found, runsPush } = findHistoryRewrites(strings);
  if (!isPushContext(actionType, runsPush)) return found;
  return [...found, ...structuredForcePushes(args).map((path) => ({ kind: 'push' as const, path }))];
}

/** `GIT_CONFIG_KEY_<n>=alias.…` or `=remote.…` in a command line (an environment assignment, `export`, `env`). */
const CONFIG_KEY_ASSIGNMENT = /\bgit_config_key_\d+\s*=\s*["']?(?:alias|remote)\./i;
const CONFIG_SECTION = /(?:alias|remote)\./i;

/**
 * Where the arguments give git configuration through the environment that could turn a push
 * into a forced one: `GIT_CONFIG_KEY_<n>` naming an alias or a remote setting (its value, in
 * `GIT_CONFIG_VALUE_<n>`, may be `push --force` or `+refs/…`), or `GIT_CONFIG_PARAMETERS`
 * (git's own `-c` channel) holding one — as a shell assignment or as an exec-style `env` object.
 * The gate does not follow the environment into later commands, so it does not read them: a
 * human does.
 */
function configFromEnvironment(strings: readonly ScannedString[]): string[] {
  const paths: string[] = [];
  for (const { path, text, key, isKey } of strings) {
    if (isKey) continue;
    const named = /^git_config_key_\d+$/.test(key) && /^\s*(?:alias|remote)\./i.test(text);
    const parameters = (key === 'git_config_parameters' || /git_config_parameters/i.test(text)) && CONFIG_SECTION.test(text);
    if (named || parameters || CONFIG_KEY_ASSIGNMENT.test(text)) paths.push(path);
  }
  return paths;
}

/**
 * `git push --force` (`-f`, `-uf`, `+main`, through global options, `-c alias.p=push` aliases or
 * a `-c remote.origin.push=+…` setting) → escalate (DESIGN.md: at least escalate, whatever the
 * autonomy), suggesting the same arguments with `--force-with-lease` — which refuses to
 * overwrite commits the agent has not seen — for the approver to reroute to. In a push context
 * (a `vcs:push` action, or arguments that run `git push`) structured force counts too:
 * `{ "force": true }`, `{ "flags": ["--force"] }`, `{ "refspec": "+main" }` (see
 * {@link structuredForcePushes}). The rewrite is checked: when a force push survives it,
 * nothing is suggested. `git reset --hard` and pushes that delete remote refs (`--delete`,
 * `:branch`, `--mirror`) → escalate. Git configuration given through the environment
 * (`GIT_CONFIG_KEY_<n>=alias.…`, `GIT_CONFIG_PARAMETERS`), which could define such a push out of
 * the gate's sight → escalate.
 */
export const gitHistory: Detector = {
  id: 'git-history',
  detect(strings, args, context) {
    const fromEnvironment = configFromEnvironment(strings).map(
      (path): Finding => ({
        rule: 'detector:git-config-env',
        severity: 'escalate',
        reason: `git configuration set through the environment in ${path || 'args'} (GIT_CONFIG_*): an alias or remote setting there may force a push the gate cannot read`,
        path,
      }),
    );
    const found = historyRewrites(strings, args, context?.actionType);
    if (found.length === 0) return fromEnvironment;
    let saferArgs: JsonObject | undefined = leaseStructured(withLease(args)) as JsonObject;
    // No rewrite is safe while the environment may still configure the push.
    if (fromEnvironment.length > 0 || historyRewrites(scanStrings(saferArgs), saferArgs, context?.actionType).some((hit) => hit.kind === 'push')) saferArgs = undefined;
    const rewrites = found.map(({ kind, path }): Finding => {
      const at = path || 'args';
      if (kind === 'reset') return { rule: 'detector:git-reset-hard', severity: 'escalate', reason: `git reset --hard in ${at}`, path };
      if (kind === 'remote-delete') return { rule: 'detector:git-push-delete', severity: 'escalate', reason: `push deletes or mirrors remote refs in ${at}`, path };
      return saferArgs
        ? { rule: 'detector:git-push-force', severity: 'escalate', reason: `force push in ${at} (suggested reroute: --force-with-lease, which keeps others' commits safe)`, path, saferArgs }
        : { rule: 'detector:git-push-force', severity: 'escalate', reason: `force push in ${at} (no safe --force-with-lease rewrite found)`, path };
    });
    return [...rewrites, ...fromEnvironment];
  },
};
