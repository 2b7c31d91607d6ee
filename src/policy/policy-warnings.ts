import type { ValidationIssue } from '../errors.ts';
import { DEFAULT_DETECTORS } from './detectors/index.ts';
import type { Policy } from './policy-schema.ts';
import { DEFAULT_ACTION_RISKS } from './taxonomy.ts';

/** What each built-in detector stops, for the warning given when one is switched off. */
const DETECTOR_DUTIES: Readonly<Record<string, string>> = {
  secrets: 'credentials in the arguments are kept in the store and judged by the decision table alone',
  'path-traversal': 'paths escaping their root and system secrets (/etc/shadow) are judged by the decision table alone',
  'destructive-shell': '`rm -rf /`, `mkfs` and fork bombs are judged by the decision table alone',
  'destructive-sql': '`DROP DATABASE`, `DROP TABLE` and `DELETE` without `WHERE` are judged by the decision table alone',
  'git-history': 'force pushes and `git reset --hard` are judged by the decision table alone',
  'remote-code': 'downloaded code run at once (`curl … | sh`) is judged by the decision table alone',
};

/**
 * What a valid policy lets through that its author may not mean: each detector switched off
 * (naming what then goes unchecked), an unknown detector name, and a hard-deny entry that names
 * no action type of the policy or the built-in taxonomy (a typo denies nothing). `policy check`
 * prints them; `serve --policy` logs them at start.
 * @example policyWarnings(loadPolicyFile('policy.json')).map((w) => w.message)
 */
export function policyWarnings(policy: Policy): ValidationIssue[] {
  const known = new Set(DEFAULT_DETECTORS.map((detector) => detector.id));
  // The file's action risks are merged over the built-in taxonomy (as `compilePolicy` does).
  const taxonomy = { ...DEFAULT_ACTION_RISKS, ...policy.actions };
  return [
    ...(policy.detectors?.disabled ?? []).map((id, index) =>
      known.has(id)
        ? { path: `detectors.disabled.${index}`, message: `detector ${id} is off: ${DETECTOR_DUTIES[id] ?? 'what it finds is judged by the decision table alone'}` }
        : { path: `detectors.disabled.${index}`, message: `unknown detector "${id}" (known: ${[...known].join(', ')})` },
    ),
    ...policy.hardDeny.flatMap((actionType, index) =>
      Object.hasOwn(taxonomy, actionType)
        ? []
        : [{ path: `hardDeny.${index}`, message: `${actionType} is no action type of the policy or the built-in taxonomy: a typo here denies nothing` }],
    ),
  ];
}
