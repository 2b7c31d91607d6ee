import { type Actor, type InspectionEvent, type Observer, createActor } from 'xstate';
import { encodeEnvelope, type PersistedTaskSnapshot } from '../../machines/envelope.ts';
import type { TaskProposal } from '../../machines/task-context.ts';
import type { TaskEmitted } from '../../machines/task-events.ts';
import { CHECKPOINT_TAG, type taskMachine } from '../../machines/task.machine.ts';
import { GateError } from '../errors.ts';
import type { Approval } from '../model/approval.ts';
import type { LifecycleEvent } from '../model/lifecycle-event.ts';
import type { HistoryEntry } from '../model/task.ts';
import type { TaskState } from '../model/task-state.ts';
import type { Store } from '../store/store.ts';
import { type StampedEventDraft, type TaskCommit, type TaskLease, type TaskRecord, stampEvent } from '../store/task-record.ts';
import { type Clock, isoNow } from './clock.ts';
import { type Deferred, deferred } from './deferred.ts';
import { persistedSnapshotOf } from './persisted-snapshot.ts';
import type { Logger } from './logger.ts';
import { commitOutcomeWhenBack } from './outcome-retry.ts';

type TaskMachine = typeof taskMachine;

type TaskActor = Actor<TaskMachine>;
type TaskSnapshot = ReturnType<TaskActor['getSnapshot']>;

/** What a live task needs from the engine. */
export interface TaskRunDeps {
  store: Store;
  clock: Clock;
  logger: Logger;
  /** The task machine with the engine's child actors provided. */
  machine: TaskMachine;
  inspect?: Observer<InspectionEvent> | ((event: InspectionEvent) => void);
  /** Receives each commit's events, with their journal ids, in commit order. */
  publish(events: LifecycleEvent[]): void;
  /** Called once when the run ends (at rest, or failed). */
  onEnd(run: TaskRun): void;
  /** This worker's lease, from now (null when the store keeps none): taken with the execution intent, so no other worker takes the task over while it runs. */
  lease(): TaskLease | null;
  /** Called once the lease taken with the executing commit is in the store (the engine renews it if the commit waited long). */
  onLeaseLanded?(taskId: string, lease: TaskLease): void;
  /** Called with the stored row each time a task comes to rest (parked or final), after its commit. */
  onRest?(record: TaskRecord): void;
}

/**
 * One task while it is alive in memory: its XState actor, and the checkpoints that make it
 * durable. Each snapshot in a state tagged `checkpoint` becomes one store commit — the
 * snapshot, the approval if it changed, the history, and the lifecycle events the machine
 * emitted since the last commit. Commits of one run are written in order; the first that fails
 * (a lost compare-and-set, a store error) ends the run and nothing after it is written. When
 * the task comes to rest (parked or final) the actor is stopped: a parked task holds no heap.
 */
export class TaskRun {
  readonly taskId: string;
  readonly actor: TaskActor;
  /** True when restored by recovery in a state a crash interrupted (e.g. executing). */
  readonly recovered: boolean;
  #deps: TaskRunDeps;
  /** Whether this worker asked for the task's lease (claimed, or with the executing commit): released at rest. */
  #leased: boolean;
  /** Whether that lease is in the store (the claim, or the executing commit, landed): what heartbeats renew. */
  #leaseLanded: boolean;
  #revision: number;
  #createdAt: string;
  #idempotencyKey: string | null;
  #history: HistoryEntry[];
  #lastState: TaskState | null;
  #events: StampedEventDraft[] = [];
  #lastSnapshot: TaskSnapshot | undefined;
  #lastApproval: Approval | null;
  #chain: Promise<void> = Promise.resolve();
  #commits = 0;
  #failure: unknown = null;
  #ended = false;
  #settled: Deferred<TaskRecord> = deferred();
  #executionDurable: Deferred<void> = deferred();
  /** Whether this run's execution intent is durable (written here, or restored in `executing`): a later commit records the execution's outcome. */
  #executed = false;

  private constructor(
    deps: TaskRunDeps,
    init: {
      taskId: string;
      revision: number;
      createdAt: string;
      idempotencyKey: string | null;
      history: HistoryEntry[];
      recovered: boolean;
      leased: boolean;
      snapshot?: PersistedTaskSnapshot;
      proposal?: TaskProposal;
    },
  ) {
    this.#deps = deps;
    this.taskId = init.taskId;
    this.#revision = init.revision;
    this.#createdAt = init.createdAt;
    this.#idempotencyKey = init.idempotencyKey;
    this.#history = init.history;
    this.recovered = init.recovered;
    this.#leased = init.leased;
    this.#leaseLanded = init.leased;
    const inspect = deps.inspect;
    this.actor = init.snapshot
      ? createActor(deps.machine, {
          snapshot: init.snapshot as never,
          input: undefined as never,
          ...(inspect ? { inspect } : {}),
        })
      : createActor(deps.machine, {
          input: { taskId: init.taskId, proposal: init.proposal as TaskProposal },
          ...(inspect ? { inspect } : {}),
        });
    const restored = init.snapshot ? this.actor.getSnapshot() : undefined;
    this.#lastSnapshot = restored;
    this.#lastState = restored ? (restored.value as TaskState) : null;
    this.#lastApproval = restored ? restored.context.approval : null;
    if (restored?.value === 'executing') {
      this.#executed = true;
      this.#executionDurable.resolve();
    }
    this.actor.on('*', (emitted) => this.#onEmitted(emitted as TaskEmitted));
    this.actor.subscribe({
      next: (snapshot) => this.#onSnapshot(snapshot),
      error: (error) => this.#fail(error),
    });
  }

  /** A new task, not yet started. */
  static create(
    deps: TaskRunDeps,
    init: { taskId: string; proposal: TaskProposal; idempotencyKey: string | null },
  ): TaskRun {
    return new TaskRun(deps, {
      taskId: init.taskId,
      revision: 0,
      createdAt: isoNow(deps.clock),
      idempotencyKey: init.idempotencyKey,
      history: [],
      recovered: false,
      leased: false,
      proposal: init.proposal,
    });
  }

  /** A task restored from its stored row and validated snapshot, not yet started. */
  static restore(
    deps: TaskRunDeps,
    record: TaskRecord,
    snapshot: PersistedTaskSnapshot,
    options: { recovered: boolean; leased?: boolean },
  ): TaskRun {
    return new TaskRun(deps, {
      taskId: record.id,
      revision: record.revision,
      createdAt: record.createdAt,
      idempotencyKey: record.idempotencyKey,
      history: record.history,
      recovered: options.recovered,
      leased: options.leased ?? false,
      snapshot,
    });
  }

  /** Resolves with the stored row once the task is at rest (parked or final); rejects if the run failed. */
  get settled(): Promise<TaskRecord> {
    return this.#settled.promise;
  }

  /** Resolves once the `executing` checkpoint — the execution intent — is durable. */
  get executionDurable(): Promise<void> {
    return this.#executionDurable.promise;
  }

  /** Whether this worker holds the task's lease now (for heartbeats). */
  get leased(): boolean {
    return this.#leased && this.#leaseLanded && !this.#ended;
  }

  /** How many commits this run has written. */
  get commits(): number {
    return this.#commits;
  }

  /** Starts the actor (a restored one re-runs the child actor of its state). */
  start(): this {
    this.actor.start();
    return this;
  }

  /**
   * Sends an event. Returns false, and ends the run, when the machine ignored it (the event
   * is not allowed in the task's state); nothing is written then.
   */
  send(event: Parameters<TaskActor['send']>[0]): boolean {
    const before = this.actor.getSnapshot();
    this.actor.send(event);
    if (this.actor.getSnapshot() === before && this.#commits === 0 && !this.#ended) {
      this.#end();
      this.#settled.reject(new GateError('invalid_transition', `${event.type} is not allowed in state ${String(before.value)}`));
      return false;
    }
    return true;
  }

  /** Stops the actor without writing anything more (engine shutdown). */
  abandon(reason: unknown): void {
    this.#fail(reason);
  }

  #onEmitted(emitted: TaskEmitted): void {
    const at = isoNow(this.#deps.clock);
    if (emitted.type === 'tollgate.step') {
      this.#history.push({ at, from: this.#lastState, to: emitted.to, event: emitted.event });
      this.#lastState = emitted.to;
      if (emitted.lifecycle) this.#events.push(stampEvent(emitted.lifecycle, at));
    } else {
      this.#events.push(stampEvent(emitted.event, at));
    }
  }

  #onSnapshot(snapshot: TaskSnapshot): void {
    if (this.#ended || snapshot === this.#lastSnapshot) return;
    this.#lastSnapshot = snapshot;
    if (snapshot.status === 'error') {
      this.#fail(new GateError('internal', `task machine failed: ${String(snapshot.error)}`));
      return;
    }
    if (!snapshot.hasTag(CHECKPOINT_TAG)) return;
    try {
      this.#checkpoint(snapshot);
    } catch (error) {
      // Thrown here it would escape through XState's mailbox and take the process down: the run
      // ends instead, nothing of this checkpoint is written, the task stays at its last commit.
      this.#fail(new GateError('internal', `task ${this.taskId} could not be checkpointed: ${error instanceof Error ? error.message : String(error)}`));
    }
  }

  #checkpoint(snapshot: TaskSnapshot): void {
    const { context } = snapshot;
    const state = snapshot.value as TaskState;
    const { proposal } = context;
    const expectedRevision = this.#revision === 0 ? null : this.#revision;
    this.#revision += 1;
    const task: TaskRecord = {
      id: this.taskId,
      state,
      actionType: proposal.actionType,
      title: proposal.title,
      agentId: proposal.agentId,
      department: proposal.department ?? null,
      riskLevel: context.verdict?.riskLevel ?? null,
      approvalId: context.approval?.id ?? null,
      parentTaskId: proposal.parentTaskId ?? null,
      idempotencyKey: this.#idempotencyKey,
      revision: this.#revision,
      envelope: encodeEnvelope(persistedSnapshotOf(this.actor, snapshot)),
      history: this.#history.slice(),
      quarantineReason: null,
      createdAt: this.#createdAt,
      updatedAt: isoNow(this.#deps.clock),
    };
    const change: TaskCommit = { task, expectedRevision, events: this.#events };
    this.#events = [];
    if (context.approval && context.approval !== this.#lastApproval) change.approval = context.approval;
    this.#lastApproval = context.approval;
    const atRest = state === 'parked' || snapshot.status === 'done';
    const lease = state === 'executing' ? this.#deps.lease() : null;
    if (lease) {
      change.lease = lease;
      this.#leased = true;
    } else if (atRest && this.#leased) {
      change.lease = null;
      this.#leased = false;
    }
    this.#chain = this.#chain.then(() => this.#write(change, atRest));
  }

  async #write(change: TaskCommit, atRest: boolean): Promise<void> {
    if (this.#failure !== null) return;
    // The lease runs from when the commit is handed to the store, not from when it was queued here.
    if (change.lease) change.lease = this.#deps.lease() ?? change.lease;
    let eventIds: number[];
    try {
      ({ eventIds } = await this.#deps.store.commit(change));
    } catch (error) {
      try {
        // Only a commit that records an execution's outcome waits for the store; before one, nothing ran.
        if (!this.#executed || change.task.state === 'executing') throw error;
        ({ eventIds } = await commitOutcomeWhenBack(this.#deps.store, change, error, { logger: this.#deps.logger, taskId: this.taskId, stopped: () => this.#failure }));
      } catch (final) {
        this.#fail(final);
        return;
      }
    }
    this.#commits += 1;
    if (change.events.length > 0) {
      this.#deps.publish(
        change.events.map((draft, index) => toPublished(draft, eventIds[index] ?? 0)),
      );
    }
    if (change.task.state === 'executing') {
      this.#executed = true;
      if (change.lease) {
        this.#leaseLanded = true;
        this.#deps.onLeaseLanded?.(this.taskId, change.lease);
      }
      this.#executionDurable.resolve();
    }
    if (atRest) {
      this.#end();
      this.#deps.onRest?.(change.task);
      this.#settled.resolve(change.task);
    }
  }

  #fail(error: unknown): void {
    if (this.#failure !== null) return;
    this.#failure = error ?? new Error('task run failed');
    this.#deps.logger.debug({ taskId: this.taskId, err: error }, 'task run ended with an error');
    this.#end();
    this.#settled.reject(this.#failure);
    this.#executionDurable.reject(this.#failure);
  }

  #end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.actor.stop();
    this.#deps.onEnd(this);
  }
}

/** The event as the journal gives it back on replay: empty `data` is left out. */
function toPublished(draft: StampedEventDraft, id: number): LifecycleEvent {
  // Built field by field: object rest/spread is a slow path in V8, and this runs per event.
  const event: LifecycleEvent = { id, type: draft.type, at: draft.at, taskId: draft.taskId, actor: draft.actor };
  if (draft.approvalId !== undefined) event.approvalId = draft.approvalId;
  if (draft.data !== undefined && Object.keys(draft.data).length > 0) event.data = draft.data;
  return event;
}
