import type { InspectionEvent } from 'xstate';
import { ChurnMap } from '../util/churn-map.ts';
import { draftOf, type InspectionRecord, type RecordDetail, type RecordDraft, serializeRecord } from './inspection-record.ts';

/** One kept record: its number and its JSON line (serialised once, sent as is). */
export interface StoredInspection {
  seq: number;
  json: string;
}

/** Bounds of the hub. Every buffer is bounded: a busy server keeps a window, never everything. */
export interface InspectionHubOptions {
  /** Records kept per task (oldest dropped first); default 400. */
  perTask?: number;
  /** Tasks kept (least recently active dropped first); default 500. */
  maxTasks?: number;
  /** Root actors remembered with their task (the oldest forgotten first); default 10,000. */
  maxRoots?: number;
  /** Total JSON kept across tasks, in characters; default 24 MiB. */
  maxBytes?: number;
  /** One record's JSON is cut down to about this; default 16 KiB. */
  maxRecordBytes?: number;
  /**
   * When records keep payloads (contexts, event data): `watched` (default) only for tasks
   * someone is subscribed to, `always` for every task. Payloads cost most of the hub's time
   * (several times the task actor's own); `watched` keeps the rest of the gate fast.
   */
  fullDetail?: 'watched' | 'always';
  /** The time stamped on records; default `Date.now`. */
  now?: () => number;
}

interface TaskBuffer {
  records: StoredInspection[];
  bytes: number;
}

const MAX_ROOTS = 10_000;
const MAX_PENDING_ROOTS = 100;
const MAX_PENDING_PER_ROOT = 16;

/**
 * Receives XState's inspection stream of the engine's task actors and keeps, per task, a ring
 * buffer of safe records (see `InspectionRecord`) for the visualizer's inspector.
 *
 * Events are attributed to a task through their root actor: the task actor's context holds
 * `taskId`. The first events of a root (its registration, before it has a snapshot) wait in a
 * small pending buffer until the root's snapshot names the task. Pass `hub.inspect` to
 * `createEngine({ inspect })`; it never throws into XState.
 *
 * @example
 * const hub = new InspectionHub();
 * const engine = createEngine({ store, inspect: hub.inspect });
 * const stop = hub.subscribe('t-1', (record) => send(record.json));
 */
export class InspectionHub {
  readonly #perTask: number;
  readonly #maxTasks: number;
  readonly #maxBytes: number;
  readonly #maxRecordBytes: number;
  readonly #now: () => number;
  readonly #alwaysFull: boolean;
  #lastAt = 0;
  #lastIso = '';
  #lastTaskId = '';
  // Entries come and go with every task (#tasks is moved to the end on each of its events):
  // ChurnMaps, so that dropped buffers and held events (their actors with them) do not live on
  // until a full GC (see ChurnMap).
  readonly #tasks = new ChurnMap<string, TaskBuffer>();
  readonly #roots: RootIndex;
  readonly #pending = new ChurnMap<string, { event: InspectionEvent; at: number }[]>();
  readonly #listeners = new Map<string, Set<(record: StoredInspection) => void>>();
  #seq = 0;
  #bytes = 0;

  constructor(options: InspectionHubOptions = {}) {
    this.#perTask = options.perTask ?? 400;
    this.#maxTasks = options.maxTasks ?? 500;
    this.#roots = new RootIndex(options.maxRoots ?? MAX_ROOTS);
    this.#maxBytes = options.maxBytes ?? 24 * 1024 * 1024;
    this.#maxRecordBytes = options.maxRecordBytes ?? 16 * 1024;
    this.#now = options.now ?? Date.now;
    this.#alwaysFull = options.fullDetail === 'always';
    this.inspect = this.inspect.bind(this);
  }

  /** The inspection observer: give it to `createEngine({ inspect })`. Never throws. */
  inspect(event: InspectionEvent): void {
    try {
      this.#receive(event);
    } catch {
      // An inspector must never break the actor it watches; a record lost is only a record lost.
    }
  }

  /** The records kept for a task with `seq` above `afterSeq`, oldest first. */
  recent(taskId: string, afterSeq = 0): StoredInspection[] {
    const buffer = this.#tasks.get(taskId);
    return buffer ? buffer.records.filter((record) => record.seq > afterSeq) : [];
  }

  /** The same records, parsed (for tests and tools). */
  records(taskId: string, afterSeq = 0): InspectionRecord[] {
    return this.recent(taskId, afterSeq).map((record) => JSON.parse(record.json) as InspectionRecord);
  }

  /** Calls `listener` with each new record of a task; returns the unsubscribe function. */
  subscribe(taskId: string, listener: (record: StoredInspection) => void): () => void {
    let set = this.#listeners.get(taskId);
    if (!set) {
      set = new Set();
      this.#listeners.set(taskId, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.#listeners.get(taskId) === set) this.#listeners.delete(taskId);
    };
  }

  /** How much the hub holds (for tests and metrics). */
  get stats(): { tasks: number; bytes: number; roots: number; pendingRoots: number } {
    return { tasks: this.#tasks.size, bytes: this.#bytes, roots: this.#roots.size, pendingRoots: this.#pending.size };
  }

  #receive(event: InspectionEvent): void {
    const at = this.#now();
    let taskId = this.#roots.get(event.rootId);
    if (taskId === undefined) {
      taskId = rootTaskId(event);
      if (taskId === undefined) {
        this.#hold(event, at);
        return;
      }
      this.#roots.add(event.rootId, taskId);
      const waiting = this.#pending.get(event.rootId);
      this.#pending.delete(event.rootId);
      for (const held of waiting ?? []) this.#record(taskId, held.event, held.at);
    }
    // Roots are not forgotten when they finish: children still report their stop afterwards.
    // The map is bounded instead.
    this.#record(taskId, event, at);
  }

  #record(taskId: string, event: InspectionEvent, at: number): void {
    const detail = this.#detailFor(taskId);
    // A light microstep would only repeat the state change its snapshot shows.
    if (detail === 'light' && event.type === '@xstate.microstep') return;
    this.#keep(taskId, draftOf(event, detail), event, at);
  }

  #detailFor(taskId: string): RecordDetail {
    return this.#alwaysFull || this.#listeners.has(taskId) ? 'full' : 'light';
  }

  /**
   * A root's first events (its registration) come before its snapshot names the task: they
   * wait here, as they are, until the next event of the root (microseconds later).
   */
  #hold(event: InspectionEvent, at: number): void {
    let waiting = this.#pending.get(event.rootId);
    if (!waiting) {
      if (this.#pending.size >= MAX_PENDING_ROOTS) this.#pending.delete(this.#pending.firstKey() as string);
      waiting = [];
      this.#pending.set(event.rootId, waiting);
    }
    if (waiting.length < MAX_PENDING_PER_ROOT) waiting.push({ event, at });
  }

  #keep(taskId: string, draft: RecordDraft, event: InspectionEvent, at: number): void {
    this.#seq += 1;
    if (at !== this.#lastAt) {
      this.#lastAt = at;
      this.#lastIso = new Date(at).toISOString();
    }
    const head = { seq: this.#seq, at: this.#lastIso, taskId };
    const stored: StoredInspection = { seq: this.#seq, json: serializeRecord(head, draft, event, this.#maxRecordBytes) };
    let buffer = this.#tasks.get(taskId);
    if (!buffer || taskId !== this.#lastTaskId) {
      // Most recently active last: eviction takes the least recently active first.
      if (buffer) this.#tasks.delete(taskId);
      buffer ??= { records: [], bytes: 0 };
      this.#tasks.set(taskId, buffer);
      this.#lastTaskId = taskId;
    }
    buffer.records.push(stored);
    buffer.bytes += stored.json.length;
    this.#bytes += stored.json.length;
    while (buffer.records.length > this.#perTask) this.#dropOldestRecord(buffer);
    this.#evict(taskId);
    for (const listener of this.#listeners.get(taskId) ?? []) {
      try {
        listener(stored);
      } catch {
        // One broken subscriber must not starve the others.
      }
    }
  }

  #dropOldestRecord(buffer: TaskBuffer): void {
    const dropped = buffer.records.shift();
    if (!dropped) return;
    buffer.bytes -= dropped.json.length;
    this.#bytes -= dropped.json.length;
  }

  /** Drops least recently active tasks (never `keep`, the one just written) over the bounds. */
  #evict(keep: string): void {
    for (const [taskId, buffer] of this.#tasks) {
      if (this.#tasks.size <= this.#maxTasks && this.#bytes <= this.#maxBytes) return;
      if (taskId === keep) {
        while (this.#bytes > this.#maxBytes && buffer.records.length > 1) this.#dropOldestRecord(buffer);
        continue;
      }
      this.#tasks.delete(taskId);
      this.#bytes -= buffer.bytes;
    }
  }
}

/** The task id of a root actor's event, once the root has a snapshot with `context.taskId`. */
function rootTaskId(event: InspectionEvent): string | undefined {
  if (event.actorRef.sessionId !== event.rootId) return undefined;
  const snapshot = event.type === '@xstate.snapshot' ? event.snapshot : safeSnapshot(event.actorRef);
  const taskId = (snapshot as { context?: { taskId?: unknown } } | undefined)?.context?.taskId;
  return typeof taskId === 'string' ? taskId : undefined;
}

function safeSnapshot(ref: InspectionEvent['actorRef']): unknown {
  try {
    return ref.getSnapshot();
  } catch {
    return undefined;
  }
}

/**
 * Which task each root actor belongs to, for the last `max` roots. The oldest goes first, found in
 * a ring of the keys in the order they came: a Map's first key, after thousands of deletions at
 * its front, is a walk over their holes until the table is rebuilt (~3 % of a busy server's main
 * thread, profiled).
 */
class RootIndex {
  readonly #taskOf = new ChurnMap<string, string>();
  readonly #order: Array<string | undefined>;
  #next = 0;

  constructor(max: number) {
    this.#order = new Array<string | undefined>(max).fill(undefined);
  }

  get size(): number {
    return this.#taskOf.size;
  }

  get(rootId: string): string | undefined {
    return this.#taskOf.get(rootId);
  }

  /** Adds a root not yet known, dropping the oldest once `max` are kept. */
  add(rootId: string, taskId: string): void {
    if (this.#taskOf.has(rootId)) {
      this.#taskOf.set(rootId, taskId);
      return;
    }
    const oldest = this.#order[this.#next];
    if (oldest !== undefined) this.#taskOf.delete(oldest);
    this.#order[this.#next] = rootId;
    this.#next = (this.#next + 1) % this.#order.length;
    this.#taskOf.set(rootId, taskId);
  }
}
