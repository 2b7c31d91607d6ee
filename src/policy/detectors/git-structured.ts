import type { JsonObject, JsonValue } from '../../model/json.ts';
import { normalizeText } from './normalize-text.ts';

/**
 * Action types whose arguments describe a push, so that `{ "force": true }` is a force push:
 * any whose action part is `push` or ends in it (`vcs:push`, `github:push`, `repo:force-push`,
 * `scm:gitpush`), and under `vcs`/`git`/`scm` also one that starts with it (`vcs:push-branch`).
 */
const PUSH_ACTION = /^[^:]*:[\w.-]*push$|^(?:vcs|git|scm):(?:[\w.-]*[-_.])?push(?:[-_.][\w.-]*)?$/;

/** Keys whose value turns a push into a force push: `force`, `forced`, `forcePush`, `force_push`, `--force`, `-f`. */
const FORCE_KEYS = new Set(['force', 'forced', 'forcepush', 'forceupdate']);
/** Values that clearly switch an option off; anything else under a force key is read as on (escalate rather than guess). */
const OFF = new Set(['', 'false', 'no', 'off', '0', 'n', 'none', 'null', 'disabled']);
/** Keys whose string value is a list of options (`{ "flags": "--force --tags" }`). */
const OPTION_KEYS = new Set(['flags', 'options', 'opts', 'args', 'arguments', 'params', 'parameters', 'extraargs', 'pushoptions']);
/**
 * Keys whose value is not a push's option: prose (the word "--force" in a message is no force
 * push), and command lines, which the command detectors read whole (`{ argv: ['rm', '-f', 'x'] }`
 * is no push even under `vcs:push`).
 */
const NOT_OPTION_KEYS = new Set(['message', 'title', 'description', 'body', 'comment', 'summary', 'note', 'notes', 'text', 'reason', 'argv', 'command', 'cmd', 'commandline', 'script']);

/** A force flag standing alone as a value: `--force`, `-f`. */
const FORCE_FLAG = /^(?:--force|-f)$/i;
/**
 * A cluster of short flags with `f` in it (`-uf`): a force flag in a push's options field. Not in
 * `args`: that is also an exec-style argument list (`{ cmd: 'rm', args: ['-rf', '/'] }`), read
 * whole by the command detectors.
 */
const FORCE_CLUSTER = /^-[a-z0-9]*f[a-z0-9]*$/;
const CLUSTER_KEYS = new Set(['flags', 'options', 'opts', 'pushoptions', 'pushflags']);
/** `+main`, `+HEAD:refs/heads/main`, `+refs/heads/*:refs/heads/*` — and not `+44 20 …` or `+1`. */
const FORCED_REFSPEC = /^\+(?=[^\s]*[a-z*])[\w./*@{}^~:-]+$/i;

/**
 * Whether a proposal is a push: its action type says so, or its arguments run `git push`.
 * @example isPushContext('vcs:push', false) // true
 */
export function isPushContext(actionType: string | undefined, runsGitPush: boolean): boolean {
  return runsGitPush || (actionType !== undefined && PUSH_ACTION.test(actionType.toLowerCase()));
}

const isForceWord = (word: string): boolean => FORCE_FLAG.test(word) || FORCED_REFSPEC.test(word);

/**
 * A force key's value that may ask for force: anything but a clear off (`false`, `0`, `"no"`,
 * `""`, `null`, an empty list or object) — `true`, `2`, `"y"`, `[true]` all are; as a
 * flag-shaped key (`"--force"`), also `null` or `""` (simple-git's `{ '--force': null }`).
 */
function switchedOn(value: JsonValue, flagShaped: boolean): boolean {
  if (value === null) return flagShaped;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'string') return flagShaped ? true : !OFF.has(normalizeText(value).trim().toLowerCase());
  if (Array.isArray(value)) return value.some((item) => switchedOn(item, flagShaped));
  return Object.keys(value).length > 0;
}

/**
 * The JSON paths where the arguments of a push ask for force in structured form: a force key
 * switched on (`{ "force": true }`, `{ "forcePush": "yes" }`, `{ "--force": null }`), a value that
 * is a force flag or a forced refspec (`{ "flags": ["--force"] }`, `{ "refspec": "+main" }`), or
 * such a word in a string of options (`{ "options": "--force --tags" }`). `forceWithLease`,
 * `--force-with-lease`, prose fields (`message`, `title`, …) and command lines (`command`,
 * `argv`: the command detectors read those) are not structured force. Call it only in a
 * push context ({@link isPushContext}): `{ "force": true }` elsewhere (overwrite a file) is no push.
 * @example structuredForcePushes({ remote: 'origin', force: true }) // ['force']
 */
export function structuredForcePushes(args: JsonObject): string[] {
  const found: string[] = [];
  const visit = (value: JsonValue, path: string, key: string): void => {
    if (typeof value === 'string') {
      if (NOT_OPTION_KEYS.has(key)) return;
      const text = normalizeText(value).trim();
      const optionWord = (word: string): boolean => isForceWord(word) || (CLUSTER_KEYS.has(key) && FORCE_CLUSTER.test(word));
      if (isForceWord(text) || (OPTION_KEYS.has(key) && text.split(/\s+/).some(optionWord))) found.push(path);
    } else if (Array.isArray(value)) {
      for (const [index, item] of value.entries()) visit(item, `${path}[${index}]`, key);
    } else if (value !== null && typeof value === 'object') {
      for (const [rawKey, child] of Object.entries(value)) {
        const childPath = path ? `${path}.${rawKey}` : rawKey;
        const lower = normalizeText(rawKey).toLowerCase();
        const flagShaped = lower.startsWith('-');
        const name = lower.replace(/^-+/, '').replace(/[-_]/g, '');
        if ((FORCE_KEYS.has(name) || lower === '-f') && switchedOn(child, flagShaped)) found.push(childPath);
        else visit(child, childPath, lower.replace(/[-_]/g, ''));
      }
    }
  };
  visit(args, '', '');
  return found;
}

/**
 * The arguments with each structured force flag (`"--force"`, `"-f"` as a whole value) turned
 * into `--force-with-lease`. A force key (`force: true`) or a `+refspec` value is left as it is:
 * what an executor makes of a changed key is unknown, so no reroute is suggested for those.
 * @example leaseStructured({ flags: ['--force'] }) // { flags: ['--force-with-lease'] }
 */
export function leaseStructured(value: JsonValue, key = ''): JsonValue {
  if (typeof value === 'string') return !NOT_OPTION_KEYS.has(key) && FORCE_FLAG.test(normalizeText(value).trim()) ? '--force-with-lease' : value;
  if (Array.isArray(value)) return value.map((item) => leaseStructured(item, key));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([childKey, child]) => [childKey, leaseStructured(child, normalizeText(childKey).toLowerCase().replace(/[-_]/g, ''))]));
  }
  return value;
}
