import type { AnyStateMachine } from 'xstate';
import type { MachineDefinition } from './schemas.ts';

type Node = AnyStateMachine['root'];
type TransitionDef = ReturnType<Node['transitions']['get']> extends (infer T)[] | undefined ? T : never;

/**
 * A statechart's top-level states and transitions as plain JSON, for `GET /machines/task`
 * and the visualizer: read from the machine itself, so it cannot drift from what runs.
 * Guards and actions are shown by name (parameters as JSON); `always` transitions have the
 * event name `always`.
 * @example describeMachine(taskMachine, TASK_MACHINE_VERSION).states.map((s) => s.name)
 */
export function describeMachine(machine: AnyStateMachine, version: number): MachineDefinition {
  const root = machine.root;
  const states = Object.values(root.states).map((node) => ({
    name: node.key,
    type: node.type === 'final' ? ('final' as const) : ('atomic' as const),
    tags: [...node.tags],
    invoke: node.invoke.map((invoke) => ({ id: invoke.id, src: typeof invoke.src === 'string' ? invoke.src : invoke.id })),
    transitions: [
      ...[...node.transitions.entries()].flatMap(([event, list]) => list.map((def) => describeTransition(event, def))),
      ...(node.always ?? []).map((def) => describeTransition('always', def)),
    ],
  }));
  return {
    id: machine.id,
    version,
    initial: root.initial?.target?.[0]?.key ?? '',
    states,
  };
}

function describeTransition(event: string, def: TransitionDef) {
  return {
    event,
    target: def.target?.[0]?.key ?? null,
    guard: nameOf(def.guard),
    actions: def.actions.map((action) => nameOf(action) ?? 'inline'),
  };
}

function nameOf(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'function') return value.name || 'inline';
  if (typeof value === 'object' && 'type' in value && typeof value.type === 'string') {
    const params = 'params' in value && value.params !== undefined ? ` ${JSON.stringify(value.params)}` : '';
    return `${value.type}${params}`;
  }
  return 'inline';
}
