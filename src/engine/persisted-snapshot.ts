import type { AnyActorRef, AnyMachineSnapshot } from 'xstate';

/** What XState keeps of an invoked child in a persisted snapshot. */
interface PersistedChild {
  snapshot: unknown;
  src: string;
  systemId: string | undefined;
  syncSnapshot: boolean;
}

/**
 * The persisted form of a task actor's snapshot, equal (as JSON) to `actor.getPersistedSnapshot()`.
 * The task's context holds no actor refs (it is plain data, validated on every load) and the
 * machine has no history states, so its persisted form is the snapshot's data fields as they
 * are, and each running child's own persisted snapshot as XState records it: built directly,
 * without XState's object rest over the snapshot and its walk over the whole context (the
 * `executing` checkpoint, which has the executor running, is one of a resume's two). Anything
 * else (history, a child XState would not persist the same way) goes through XState.
 * @example encodeEnvelope(persistedSnapshotOf(actor, actor.getSnapshot()))
 */
export function persistedSnapshotOf(actor: AnyActorRef, snapshot: AnyMachineSnapshot): unknown {
  for (const _ in snapshot.historyValue) return actor.getPersistedSnapshot();
  const children: Record<string, PersistedChild> = {};
  for (const id in snapshot.children) {
    const child = snapshot.children[id] as AnyActorRef & { _syncSnapshot?: unknown; systemId?: string };
    if (typeof child.src !== 'string' || typeof child._syncSnapshot !== 'boolean') return actor.getPersistedSnapshot();
    children[id] = { snapshot: child.getPersistedSnapshot(), src: child.src, systemId: child.systemId, syncSnapshot: child._syncSnapshot };
  }
  const persisted: Record<string, unknown> = {
    status: snapshot.status,
    value: snapshot.value,
    historyValue: {},
    context: snapshot.context,
    children,
  };
  if (snapshot.output !== undefined) persisted.output = snapshot.output;
  if (snapshot.error !== undefined) persisted.error = snapshot.error;
  return persisted;
}
