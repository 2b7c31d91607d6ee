import type { InspectionRecord } from '../api/types.ts';

/** One actor as the inspector knows it from the records seen. */
export interface ActorNode {
  sessionId: string;
  id: string;
  src: string | null;
  parentId: string | null;
  /** The last snapshot's status (`active`, `done`, `error`, `stopped`), when one was seen. */
  status: string | null;
  /** The last snapshot's state value (machines only). */
  value: string | null;
  /** How many records name this actor. */
  records: number;
  children: ActorNode[];
}

/**
 * The actor trees of a task's records: one root per run (each restore of a parked task is a
 * new root actor), children under their parent, in the order they appeared.
 * @example buildActorTree(records).map((root) => root.children.map((c) => c.id)) // [['secOps'], ['executor']]
 */
export function buildActorTree(records: readonly InspectionRecord[]): ActorNode[] {
  const nodes = new Map<string, ActorNode>();
  for (const record of records) {
    const { actor } = record;
    let node = nodes.get(actor.sessionId);
    if (!node) {
      node = { sessionId: actor.sessionId, id: actor.id, src: actor.src, parentId: actor.parentId, status: null, value: null, records: 0, children: [] };
      nodes.set(actor.sessionId, node);
    }
    node.records += 1;
    if (record.type === '@xstate.snapshot' && record.snapshot && typeof record.snapshot === 'object' && !Array.isArray(record.snapshot)) {
      const { status, value } = record.snapshot as { status?: unknown; value?: unknown };
      if (typeof status === 'string') node.status = status;
      if (value !== undefined) node.value = typeof value === 'string' ? value : JSON.stringify(value);
    }
  }
  const roots: ActorNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.parentId === null ? undefined : nodes.get(node.parentId);
    if (parent) parent.children.push(node);
    else roots.push(node);
  }
  return roots;
}

/**
 * One line saying what a record is about: the event's type, the snapshot's state and status,
 * the action's name.
 * @example recordSummary({ type: '@xstate.snapshot', snapshot: { status: 'active', value: 'parked' }, … }) // 'parked'
 */
export function recordSummary(record: InspectionRecord): string {
  switch (record.type) {
    case '@xstate.actor':
      return record.actor.src ? `started (${record.actor.src})` : 'started';
    case '@xstate.event': {
      const type = eventType(record.event);
      const from = record.source ? ` ← ${record.source.id}` : '';
      return `${type}${from}`;
    }
    case '@xstate.snapshot': {
      const snapshot = (record.snapshot ?? {}) as { status?: unknown; value?: unknown };
      const value = snapshot.value === undefined ? '' : typeof snapshot.value === 'string' ? snapshot.value : JSON.stringify(snapshot.value);
      const status = typeof snapshot.status === 'string' && snapshot.status !== 'active' ? snapshot.status : '';
      return [value, status].filter(Boolean).join(' · ') || 'active';
    }
    case '@xstate.action':
      return actionSummary(record.action);
    case '@xstate.microstep':
      return (record.transitions ?? []).map((t) => `${t.source.split('.').at(-1)} → ${t.targets.map((x) => x.split('.').at(-1)).join(', ') || '(stays)'}`).join('; ') || 'microstep';
    default:
      return eventType(record.event);
  }
}

/**
 * An executed action, short: `emit tollgate.step → parked (task.parked)`, `spawn secOps`,
 * `stop secOps`; the bare action type when the record kept no parameters.
 * @example actionSummary({ type: 'xstate.spawnChild', params: { id: 'secOps' } }) // 'spawn secOps'
 */
export function actionSummary(action: InspectionRecord['action']): string {
  if (!action) return 'action';
  const params = (action.params ?? {}) as { id?: unknown; event?: { type?: unknown; to?: unknown; lifecycle?: { type?: unknown }; event?: { type?: unknown } } };
  switch (action.type) {
    case 'xstate.emit': {
      const emitted = params.event;
      if (!emitted || typeof emitted.type !== 'string') return 'emit';
      const to = typeof emitted.to === 'string' ? ` → ${emitted.to}` : '';
      const lifecycle = emitted.lifecycle?.type ?? emitted.event?.type;
      return `emit ${emitted.type}${to}${typeof lifecycle === 'string' ? ` (${lifecycle})` : ''}`;
    }
    case 'xstate.spawnChild':
      return typeof params.id === 'string' ? `spawn ${params.id}` : 'spawn';
    case 'xstate.stopChild':
      return typeof params.id === 'string' ? `stop ${params.id}` : 'stop';
    default:
      return action.type;
  }
}

/** The short kind of a record for its badge: `event`, `snapshot`, `action`, `actor`, `step`. */
export function recordKind(record: InspectionRecord): string {
  return record.type === '@xstate.microstep' ? 'step' : record.type.replace('@xstate.', '');
}

function eventType(event: unknown): string {
  const type = (event as { type?: unknown } | undefined)?.type;
  return typeof type === 'string' ? type : 'event';
}
