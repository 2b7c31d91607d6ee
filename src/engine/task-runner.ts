import type { TaskContext } from '../../machines/task-context.ts';
import type { ExecutorInput } from '../../machines/task.machine.ts';
import { ConflictError, GateError, TaskExistsError, hasCode } from '../errors.ts';
import type { Approval } from '../model/approval.ts';
import type { JsonValue } from '../model/json.ts';
import type { Task } from '../model/task.ts';
import { SYSTEM_ACTOR } from '../model/principal.ts';
import { isTerminal, type TaskState } from '../model/task-state.ts';
import { storeUnavailableReason } from '../store/store-outage.ts';
import type { TaskRecord } from '../store/task-record.ts';
import type { Executor } from './executor.ts';
import { executorResultAsJson } from './executor-result.ts';
import { executeWithin } from './executor-timeout.ts';
import { quarantineTask } from './quarantine.ts';
import { type RestoreOptions, TaskLoadError, loadTaskRun } from './restore.ts';
import { KeyedLocks } from './task-locks.ts';
import { type TaskRun, type TaskRunDeps, TaskRun as Run } from './task-run.ts';
import { TaskKeyedRuns } from './task-runs.ts';
import { alternativeTaskId, alternativeTitle, toTaskView } from './task-view.ts';
import type { WorkerLeases } from './worker-leases.ts';

/**
 * The tasks alive in this engine, and the one way each comes alive: a new run, or a run restored
 * from the store (quarantining a task whose snapshot is unusable). It owns what every path needs —
 * the live runs by id, one lock per task, the executor guard, the alternative of a reroute — so
 * that decisions, deadlines and takeovers (engine.ts, takeover.ts) are short sequences of these.
 */
export class TaskRunner {
  readonly runs = new TaskKeyedRuns();
  /** One holder at a time per task id: decisions, cancels, deadlines and takeovers of a task queue here. */
  readonly locks = new KeyedLocks();
  readonly #deps: TaskRunDeps;
  readonly #executor: Executor;
  readonly #executorTimeoutMs: number | undefined;
  readonly #leases: WorkerLeases;
  readonly #policyVersion: string;

  /** `machine` builds the task machine around the runner's executor guard, {@link TaskRunner.execute}. */
  constructor(
    deps: Omit<TaskRunDeps, 'onEnd' | 'machine'> & { machine(execute: (input: ExecutorInput) => Promise<JsonValue>): TaskRunDeps['machine'] },
    options: { executor: Executor; executorTimeoutMs?: number; leases: WorkerLeases; policyVersion: string },
  ) {
    this.#deps = { ...deps, machine: deps.machine((input) => this.execute(input)), onEnd: (run) => this.runs.delete(run) };
    this.#executor = options.executor;
    this.#executorTimeoutMs = options.executorTimeoutMs;
    this.#leases = options.leases;
    this.#policyVersion = options.policyVersion;
  }

  /** Runs a new task until it is at rest, then submits its alternative if SecOps rerouted it. */
  async runNew(taskId: string, proposal: TaskContext['proposal'], idempotencyKey: string | null): Promise<Task> {
    const run = Run.create(this.#deps, { taskId, proposal, idempotencyKey });
    this.runs.add(run);
    run.start();
    run.send({ type: 'EVALUATE' });
    let record: TaskRecord;
    try {
      record = await run.settled;
    } catch (error) {
      if (!(hasCode(error, 'stale_revision') && run.commits > 0)) throw error;
      // Committed here, then taken over by another worker (its lease ran out): answer what it made of it.
      return toTaskView(await this.settledElsewhere(taskId));
    }
    await this.submitAlternative(record, contextOf(run));
    return toTaskView(record, contextOf(run));
  }

  /** Loads a stored task into a live run (not started), quarantining it if its snapshot is unusable. */
  async restore(taskId: string, allowed: readonly TaskState[], options: RestoreOptions = { recovered: false }): Promise<TaskRun> {
    if (this.runs.has(taskId)) {
      throw new ConflictError('invalid_transition', `task ${taskId} is busy (executing); try again`);
    }
    try {
      const run = await loadTaskRun(this.#deps, taskId, allowed, options);
      this.runs.add(run);
      return run;
    } catch (error) {
      if (error instanceof TaskLoadError && error.snapshotError && error.record) {
        await quarantineTask(this.#deps, error.record, error.snapshotError.message).catch((cause) =>
          this.#deps.logger.error({ taskId, err: cause }, 'could not quarantine a task'),
        );
        error.quarantined = true;
      }
      throw error;
    }
  }

  /**
   * A stored task as it is once at rest (parked or terminal) — what an idempotent replay answers,
   * as the first submit would have: a retry must not read `executing` where the first answer said
   * `completed` (an agent, the CLI's exit 4, reads it as "will not run"). Running here (recovered
   * after a restart, say): once its run settles. Running on another worker (PostgreSQL: the first
   * submit, or a takeover): as a decision waits for it, up to 3 leases, then as it is.
   */
  async atRest(found: TaskRecord): Promise<TaskRecord> {
    const running = this.runs.get(found.id);
    if (running) return running.settled.catch(async () => (await this.#deps.store.getTask(found.id)) ?? found);
    if (found.state === 'parked' || isTerminal(found.state)) return found;
    try {
      return await this.settledElsewhere(found.id);
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      return (await this.#deps.store.getTask(found.id)) ?? found;
    }
  }

  /** The task once another worker has brought it to rest (parked or terminal). */
  async settledElsewhere(taskId: string): Promise<TaskRecord> {
    // Real time, whatever the engine's clock: this is how long a caller waits.
    const deadline = Date.now() + 3 * this.#leases.leaseMs;
    for (;;) {
      const record = await this.#deps.store.getTask(taskId);
      if (record && (record.state === 'parked' || isTerminal(record.state))) return record;
      if (Date.now() > deadline) {
        throw new ConflictError('invalid_transition', `task ${taskId} was taken over by another worker and is still moving; read it again later`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Applies a passed deadline to a parked task; false when there was nothing (left) to apply. */
  async expire(approval: Approval, now: string): Promise<boolean> {
    return this.locks.run(approval.taskId, async () => {
      // Under the task's lock, the approval and its task in one read (both from the same commit).
      const read = await this.#deps.store.getApprovalWithTask(approval.id);
      const current = read?.approval;
      if (current?.status !== 'pending' || current.expiresAt === null || current.expiresAt > now) return false;
      try {
        const run = await this.restore(current.taskId, ['parked'], {
          recovered: false,
          leased: this.#leases.enabled,
          storedApproval: current,
          ...(read?.task ? { storedTask: read.task } : {}),
        });
        run.start();
        if (!run.send({ type: 'TIMEOUT', at: now, policyVersion: this.#policyVersion })) return false;
        await run.settled;
        return true;
      } catch (error) {
        // The store away: the sweep fails (the sweeper says so once, not a stack per approval)
        // and the deadline, still due, is applied by a later sweep.
        if (storeUnavailableReason(error) !== undefined) throw error;
        if (error instanceof GateError && error.code !== 'internal') return false;
        this.#deps.logger.error({ approvalId: approval.id, err: error }, 'expiring an approval failed');
        return false;
      }
    });
  }

  /** The executor guard: intent durable first, never a blind second run after a crash. */
  async execute(input: ExecutorInput): Promise<JsonValue> {
    const run = this.runs.get(input.taskId);
    if (!run) throw new GateError('internal', `no live run for task ${input.taskId}`);
    await run.executionDurable;
    if (run.recovered && !this.#executor.idempotent) {
      throw new GateError(
        'execution_outcome_unknown',
        'the process stopped while this action was executing; the executor is not idempotent, so it is not run again',
      );
    }
    const timeoutMs = this.#executorTimeoutMs;
    return executorResultAsJson(await (timeoutMs === undefined ? this.#executor.execute({ ...input }) : executeWithin(this.#executor, input, timeoutMs)));
  }

  /** Submits the alternative of a rerouted task as a new linked task (idempotent: its id is derived). */
  async submitAlternative(record: TaskRecord, context: TaskContext): Promise<Task | undefined> {
    if (record.state !== 'rerouted' || !context.alternative) return undefined;
    const { alternative, proposal } = context;
    const id = alternativeTaskId(record.id);
    const altProposal: TaskContext['proposal'] = {
      actionType: alternative.actionType,
      title: alternative.title ?? alternativeTitle(proposal.title),
      args: alternative.args ?? {},
      agentId: proposal.agentId,
      parentTaskId: record.id,
    };
    if (proposal.department !== undefined) altProposal.department = proposal.department;
    // A human's reroute: the alternative is their request (found by a security trial: the
    // rerouter approved the action they had just written, alone, and the audit named the agent).
    const rerouter = context.approval?.status === 'rejected' ? context.approval.decidedBy : null;
    if (rerouter && rerouter !== SYSTEM_ACTOR) altProposal.proposedBy = rerouter;
    try {
      return await this.runNew(id, altProposal, null);
    } catch (error) {
      if (error instanceof TaskExistsError) {
        const existing = await this.#deps.store.getTask(id);
        return existing ? toTaskView(existing) : undefined;
      }
      throw error;
    }
  }
}

/** The live context of a run. */
export function contextOf(run: TaskRun): TaskContext {
  return run.actor.getSnapshot().context;
}
