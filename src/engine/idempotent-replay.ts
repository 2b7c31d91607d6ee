import { decodeEnvelope } from '../../machines/envelope.ts';
import type { TaskProposal } from '../../machines/task-context.ts';
import type { TaskRecord } from '../store/task-record.ts';
import { canonicalJson } from '../util/canonical-json.ts';

/** The proposal fields an idempotent replay is compared on (agentId is the key's owner, the same by construction). */
const COMPARED = ['actionType', 'title', 'description', 'args', 'department', 'ttlSeconds', 'metadata'] as const satisfies ReadonlyArray<keyof TaskProposal>;

/**
 * The fields in which a proposal sent again with a used idempotency key differs from the one
 * that created the task. The key still answers the first task (API.md), but a client that
 * reused a key for a different action must be able to see that it did: an empty list means a
 * true retry. A first task whose snapshot cannot be read compares as `['(unreadable)']`.
 * @example replayDifferences(first, { ...proposal, args: { branch: 'main' } }) // ['args']
 */
export function replayDifferences(first: TaskRecord, again: TaskProposal): string[] {
  let proposal: TaskProposal;
  try {
    proposal = decodeEnvelope(first.envelope).context.proposal;
  } catch {
    return ['(unreadable)'];
  }
  return COMPARED.filter((field) => canonicalJson(proposal[field] ?? null) !== canonicalJson(again[field] ?? null));
}
