import type { AnyActorRef, AnyMachineSnapshot } from 'xstate';

/**
 * The persisted form of a task actor's snapshot, equal (as JSON) to `actor.getPersistedSnapshot()`.
 * A task at rest (parked, final) has no children and no history states, and its context holds
 * no actor refs (it is plain data, validated on every load), so its persisted form is the
 * snapshot's data fields as they are: built directly, without XState's walk over the whole
 * context. Anything else (a running child, history) goes through XState.
 * @example encodeEnvelope(persistedSnapshotOf(actor, actor.getSnapshot()))
 */
export function persistedSnapshotOf(actor: AnyActorRef, snapshot: AnyMachineSnapshot): unknown {
  for (const _ in snapshot.children) return actor.getPersistedSnapshot();
  for (const _ in snapshot.historyValue) return actor.getPersistedSnapshot();
  const persisted: Record<string, unknown> = {
    status: snapshot.status,
    value: snapshot.value,
    historyValue: {},
    context: snapshot.context,
    children: {},
  };
  if (snapshot.output !== undefined) persisted.output = snapshot.output;
  if (snapshot.error !== undefined) persisted.error = snapshot.error;
  return persisted;
}
