import type { JsonObject } from '../../model/json.ts';

/** A string found in a proposal's arguments (a value or a key), with its JSON path. */
export interface ScannedString {
  path: string;
  text: string;
  /** True when `text` is an object key, not a value. */
  isKey: boolean;
  /** The key this value sits under, lowercased ('' for array items and the root). */
  key: string;
  /** True when `text` is the digits of a number under `key` (`{ "password": 123456 }`), not a string. */
  isNumber?: true;
  /** True when `text` holds encoded text left undecoded (the decoding budget ran out): judged unread, the evaluation fails closed. */
  undecoded?: true;
}

/** How strongly a finding constrains the verdict. */
export type Severity = 'deny' | 'escalate' | 'alternative';

/** What a detector found. */
export interface Finding {
  rule: string;
  severity: Severity;
  reason: string;
  path: string;
  /**
   * The safer arguments (a copy of the args with the fix applied). With `alternative`, the task
   * is rerouted to them; with `escalate`, they are the approver's suggested reroute.
   */
  saferArgs?: JsonObject;
}

/** What a detector may know of the proposal besides its arguments. */
export interface DetectionContext {
  /** The proposal's action type (`vcs:push`): `{ "force": true }` means a force push only there. */
  actionType: string;
}

/** A rule that looks at every string of a proposal's arguments. */
export interface Detector {
  id: string;
  /** Its findings are credentials: a task it flags is denied and its arguments are not kept. */
  findsCredentials?: boolean;
  /** `context` is given by `evaluate`; a caller that has no proposal (a reroute's arguments) leaves it out. */
  detect(strings: readonly ScannedString[], args: JsonObject, context?: DetectionContext): Finding[];
}
