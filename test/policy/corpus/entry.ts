import type { JsonObject } from '../../../src/model/json.ts';

/** What the detectors must make of an input: the least strict outcome acceptable. */
export type Expectation = 'deny' | 'escalate' | 'alternative' | 'clean';

/**
 * A labelled detector input. `deny` must deny; `escalate` must escalate or deny; `alternative`
 * must be exactly an alternative (a safer rewrite); `clean` must find nothing.
 */
export interface CorpusEntry {
  args: JsonObject;
  expect: Expectation;
}

/**
 * An input a reasonable reviewer could call either way. Its outcome is pinned (a change shows
 * up in review) and `why` says why the detectors answer as they do.
 */
export interface AmbiguousEntry {
  args: JsonObject;
  outcome: Expectation;
  why: string;
}

/** Entries for one field holding each text: `entries('command', 'deny', ['rm -rf /'])`. */
export function entries(field: string, expect: Expectation, texts: readonly string[]): CorpusEntry[] {
  return texts.map((text) => ({ args: { [field]: text }, expect }));
}
