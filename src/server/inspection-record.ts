import type { InspectionEvent } from 'xstate';
import { DEFAULT_JSON_LIMITS, type JsonLimits, type SafeJson, safeStringify } from './inspection-json.ts';

/** An actor as an inspection record names it. */
export interface InspectedActor {
  /** Unique in the process (`x:12`). */
  sessionId: string;
  /** The invoke id for children (`secOps`), the session id for a root. */
  id: string;
  /** The parent's session id; null for a root actor. */
  parentId: string | null;
  /** The registered logic name (`secOps`), when the actor was invoked by name. */
  src: string | null;
}

/** One XState inspection event, made safe: plain JSON, no actor references, size-capped. */
export interface InspectionRecord {
  /** Increasing across the hub: the SSE `id:`. */
  seq: number;
  /** When the hub received it (ISO-8601). */
  at: string;
  taskId: string;
  type: InspectionEvent['type'];
  /** Session id of the root actor (one per run of a task: a restored task gets a new one). */
  rootId: string;
  actor: InspectedActor;
  /** `@xstate.event`: who sent it (null: from outside). */
  source?: InspectedActor | null;
  /** `@xstate.event`, `@xstate.snapshot`: the event. */
  event?: SafeJson;
  /** `@xstate.snapshot`: status, value, context, children, output, error, input. */
  snapshot?: SafeJson;
  /** `@xstate.action`: the action executed. */
  action?: { type: string; params: SafeJson };
  /** `@xstate.microstep`: the transitions taken (its event is the `@xstate.event` before). */
  transitions?: { event: string; source: string; targets: string[] }[];
  /** `light`: payloads were not kept (nobody was inspecting the task then); see `RecordDetail`. */
  detail: RecordDetail;
  /** Set when parts were cut to fit the size cap. */
  truncated?: true;
}

/**
 * How much of an event a record keeps: `full` keeps payloads (event data, context, children,
 * action parameters); `light` keeps the shape of what happened (event types, state values,
 * action names) and costs a fraction.
 */
export type RecordDetail = 'full' | 'light';

/** A record before the hub knows its task and numbers it: its parts already JSON text. */
export interface RecordDraft {
  type: InspectionEvent['type'];
  rootId: string;
  detail: RecordDetail;
  /** JSON text of `actor` and `source`, `event`, `snapshot`, `action`, `transitions`. */
  parts: Partial<Record<'actor' | 'source' | 'event' | 'snapshot' | 'action' | 'transitions', string>>;
}

/** Snapshot fields worth showing; the rest (`machine`, `_nodes`, …) is XState's internals. */
const SNAPSHOT_FIELDS = ['status', 'value', 'children', 'output', 'error', 'input', 'tags', 'context'] as const;
const LIGHT_SNAPSHOT_FIELDS = ['status', 'value'] as const;
const TIGHT_LIMITS: JsonLimits = { maxDepth: 3, maxString: 200, maxItems: 10, maxKeys: 20 };
/** Contexts are immutable (assign makes a new one): each is written once, however many snapshots share it. */
const contextJson = new WeakMap<object, string>();
/** An actor's description never changes: written once per actor. */
const actorJson = new WeakMap<object, string>();

/**
 * Describes an actor reference without keeping it. `_parent` and `src` are not in the
 * public `ActorRefLike` type; they are read defensively.
 */
export function describeActor(ref: unknown): InspectedActor {
  const actor = ref as { sessionId?: unknown; id?: unknown; src?: unknown; _parent?: { sessionId?: unknown } };
  const sessionId = typeof actor.sessionId === 'string' ? actor.sessionId : '?';
  const parent = actor._parent?.sessionId;
  return {
    sessionId,
    id: typeof actor.id === 'string' ? actor.id : sessionId,
    parentId: typeof parent === 'string' ? parent : null,
    src: typeof actor.src === 'string' ? actor.src : null,
  };
}

/**
 * The safe draft of an inspection event, at a level of detail, with `limits` applied.
 * @example draftOf({ type: '@xstate.event', rootId, actorRef, sourceRef: undefined, event: { type: 'EVALUATE' } }, 'light')
 */
export function draftOf(event: InspectionEvent, detail: RecordDetail, limits: JsonLimits = DEFAULT_JSON_LIMITS): RecordDraft {
  const parts: RecordDraft['parts'] = { actor: actorText(event.actorRef) };
  const draft: RecordDraft = { type: event.type, rootId: event.rootId, detail, parts };
  const full = detail === 'full';
  switch (event.type) {
    case '@xstate.event':
      parts.source = event.sourceRef ? actorText(event.sourceRef) : 'null';
      parts.event = full ? safeStringify(event.event, limits) : eventTypeText(event.event);
      break;
    case '@xstate.snapshot':
      parts.event = full ? safeStringify(event.event, limits) : eventTypeText(event.event);
      parts.snapshot = snapshotJson(event.snapshot, full ? SNAPSHOT_FIELDS : LIGHT_SNAPSHOT_FIELDS, limits);
      break;
    case '@xstate.microstep':
      parts.transitions = JSON.stringify(
        (event._transitions ?? []).map((transition) => ({
          event: String(transition.eventType),
          source: String(transition.source?.id ?? ''),
          targets: (transition.target ?? []).map((node) => String(node.id)),
        })),
      );
      break;
    case '@xstate.action':
      parts.action = `{"type":${JSON.stringify(String(event.action.type))}${full ? `,"params":${safeStringify(event.action.params, limits)}` : ''}}`;
      break;
    case '@xstate.transition':
      parts.event = full ? safeStringify(event.event, limits) : eventTypeText(event.event);
      break;
  }
  return draft;
}

/**
 * The record as one line of JSON, about `maxBytes` at most (counted in UTF-16 units, close
 * enough for a cap): first with the default limits, then with tight ones, then with the
 * payloads replaced by a note of their size (what remains is ids and a type).
 * @example serializeRecord({ seq: 1, at, taskId }, draft, event, 16_384).length <= 16_384 // true
 */
export function serializeRecord(
  head: Pick<InspectionRecord, 'seq' | 'at' | 'taskId'>,
  draft: RecordDraft,
  event: InspectionEvent,
  maxBytes: number,
): string {
  let json = writeRecord(head, draft, false);
  if (json.length <= maxBytes) return json;
  const tight = draftOf(event, draft.detail, TIGHT_LIMITS);
  json = writeRecord(head, tight, true);
  if (json.length <= maxBytes) return json;
  const notes: RecordDraft['parts'] = {};
  for (const [field, text] of Object.entries(tight.parts)) {
    notes[field as keyof RecordDraft['parts']] = field === 'actor' || field === 'source' ? text : JSON.stringify(`[truncated: ${text.length} bytes]`);
  }
  return writeRecord(head, { ...tight, parts: notes }, true);
}

function writeRecord(head: Pick<InspectionRecord, 'seq' | 'at' | 'taskId'>, draft: RecordDraft, truncated: boolean): string {
  let out = `{"seq":${head.seq},"at":"${head.at}","taskId":${JSON.stringify(head.taskId)},"type":"${draft.type}","rootId":${JSON.stringify(draft.rootId)},"detail":"${draft.detail}"`;
  for (const [field, text] of Object.entries(draft.parts)) out += `,"${field}":${text}`;
  return flatten(`${out}${truncated ? ',"truncated":true' : ''}}`);
}

function snapshotJson(snapshot: unknown, fields: readonly string[], limits: JsonLimits): string {
  if (typeof snapshot !== 'object' || snapshot === null) return safeStringify(snapshot, limits);
  const source = snapshot as Record<string, unknown>;
  let out = '{';
  for (const field of fields) {
    const value = source[field];
    if (value === undefined) continue;
    const text = field === 'context' ? contextText(value, limits) : typeof value === 'string' ? JSON.stringify(value) : safeStringify(value, limits);
    out += `${out.length > 1 ? ',' : ''}"${field}":${text}`;
  }
  return `${out}}`;
}

function eventTypeText(event: unknown): string {
  const type = (event as { type?: unknown } | null)?.type;
  return `{"type":${JSON.stringify(typeof type === 'string' ? type : '?')}}`;
}

function actorText(ref: unknown): string {
  if (typeof ref !== 'object' || ref === null) return JSON.stringify(describeActor(ref));
  let text = actorJson.get(ref);
  if (text === undefined) {
    text = JSON.stringify(describeActor(ref));
    actorJson.set(ref, text);
  }
  return text;
}

function contextText(context: unknown, limits: JsonLimits): string {
  if (limits !== DEFAULT_JSON_LIMITS || typeof context !== 'object' || context === null) return safeStringify(context, limits);
  let text = contextJson.get(context);
  if (text === undefined) {
    text = safeStringify(context, limits);
    contextJson.set(context, text);
  }
  return text;
}

/**
 * Makes V8 store a concatenated string as one flat string. A kept record built with `+` is a
 * tree of fragments (a rope) that costs the garbage collector many small objects per record;
 * a numeric conversion flattens it in place (the `flatstr` trick).
 */
function flatten(text: string): string {
  Number(text);
  return text;
}
