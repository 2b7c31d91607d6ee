import { createApprovalStoreActor } from '../../actors/approval-store.ts';
import { createExecutorActor } from '../../actors/executor.ts';
import { createSecOpsActor } from '../../actors/secops.ts';
import { decodeEnvelope } from '../../machines/envelope.ts';
import type { TaskContext } from '../../machines/task-context.ts';
import type { ExecutorInput } from '../../machines/task.machine.ts';
import { taskMachine } from '../../machines/task.machine.ts';
import {
  ClosedError,
  ConflictError,
  DuplicateIdempotencyKeyError,
  GateError,
  NotFoundError,
  TaskExistsError,
  hasCode,
} from '../errors.ts';
import type { Approval } from '../model/approval.ts';
import { Decision } from '../model/decision.ts';
import type { JsonValue } from '../model/json.ts';
import { Principal } from '../model/principal.ts';
import { Proposal } from '../model/proposal.ts';
import type { Task } from '../model/task.ts';
import { isTerminal, type TaskState } from '../model/task-state.ts';
import type { TaskRecord } from '../store/task-record.ts';
import { assertMayCancel, assertMayDecide } from './authorize.ts';
import { AutonomyRegistry } from './autonomy-registry.ts';
import { DEFAULT_ERROR_RATE_RULE, ErrorRateTracker } from './error-rate.ts';
import { AutonomyChange, type AutonomyDowngradeCause, type AutonomySetting } from '../model/autonomy-setting.ts';
import type { AutonomyLevel } from '../model/autonomy.ts';
import { type Clock, isoNow, systemClock } from './clock.ts';
import { defaultPolicyRuntime } from './default-policy-runtime.ts';
import type { DecisionResult, Engine, EngineOptions, RecoveryReport, SubmitResult } from './engine-types.ts';
import { type Executor, recordExecutor } from './executor.ts';
import { createIdGenerator, type IdGenerator } from './ids.ts';
import { createLogger, type Logger } from './logger.ts';
import { quarantineTask } from './quarantine.ts';
import { TaskLoadError, loadTaskRun } from './restore.ts';
import { TaskKeyedRuns } from './task-runs.ts';
import { JournalFollower } from './journal-follower.ts';
import { DEFAULT_LEASE_MS, WorkerLeases, defaultWorkerId } from './worker-leases.ts';
import { KeyedLocks } from './task-locks.ts';
import { type TaskRun, type TaskRunDeps, TaskRun as Run } from './task-run.ts';
import { alternativeTaskId, toTaskView } from './task-view.ts';
import { parseInput } from './validate.ts';

/** States a crash can leave a task in with work still to do. */
const INTERRUPTED_STATES: readonly TaskState[] = ['proposed', 'evaluating', 'autoApproved', 'awaitingHuman', 'resumed', 'executing'];

/**
 * Builds the gate engine over a store.
 * @example
 * const engine = createEngine({ store: await openSqliteStore({ path: 'tollgate.db' }) });
 * await engine.recover();
 * const { task } = await engine.submit({ actionType: 'vcs:push', title: 'push', agentId: 'bot' });
 */
export function createEngine(options: EngineOptions): Engine {
  return new GateEngine(options);
}

class GateEngine implements Engine {
  readonly store;
  readonly clock: Clock;
  readonly events$;
  #follower: JournalFollower;
  #leases: WorkerLeases;
  #ids: IdGenerator;
  #logger: Logger;
  #executor: Executor;
  #runs = new TaskKeyedRuns();
  #locks = new KeyedLocks();
  #deps: TaskRunDeps;
  #autonomy: AutonomyRegistry;
  #policyVersion: string;
  #lastAlternativeScan = Number.NEGATIVE_INFINITY;
  #errorRates: ErrorRateTracker | null;
  #closed = false;

  constructor(options: EngineOptions) {
    this.store = options.store;
    this.clock = options.clock ?? systemClock;
    this.#ids = options.ids ?? createIdGenerator(this.clock);
    this.#logger = options.logger ?? createLogger();
    this.#executor = options.executor ?? recordExecutor;
    const policy = options.policy ?? defaultPolicyRuntime();
    this.#policyVersion = policy.version;
    this.#autonomy = new AutonomyRegistry(this.store, policy.autonomy, this.clock);
    this.#errorRates = options.errorRateDowngrade === false ? null : new ErrorRateTracker(options.errorRateDowngrade ?? DEFAULT_ERROR_RATE_RULE);
    this.#follower = new JournalFollower(this.store, this.#logger);
    this.events$ = this.#follower.events$;
    this.#leases = new WorkerLeases(
      this.store,
      this.clock,
      this.#logger,
      { workerId: options.workerId ?? defaultWorkerId(this.store), leaseMs: options.leaseMs ?? DEFAULT_LEASE_MS },
      () => this.#runs.leasedIds(),
    );
    const machine = taskMachine.provide({
      actors: {
        secOps: createSecOpsActor(policy, (input) => this.#autonomy.levelFor(input.agentId, input.department)),
        approvalStore: createApprovalStoreActor({ clock: this.clock, ids: this.#ids, policy }),
        executor: createExecutorActor((input) => this.#execute(input)),
      },
    });
    this.#deps = {
      store: this.store,
      clock: this.clock,
      logger: this.#logger,
      machine,
      publish: (events) => this.#follower.publish(events),
      lease: () => this.#leases.lease(),
      onLeaseLanded: (taskId) => void this.#leases.beat([taskId]),
      onEnd: (run) => this.#runs.delete(run),
      onRest: (record) => this.#countExecution(record),
    };
    if (options.inspect) this.#deps.inspect = options.inspect;
    this.#leases.start();
    this.#follower.start();
  }

  get workerId(): string {
    return this.#leases.workerId;
  }

  get inFlight(): number {
    return this.#runs.size;
  }

  async submit(input: Proposal): Promise<SubmitResult> {
    this.#assertOpen();
    const proposal = parseInput(Proposal, input, 'proposal');
    await this.#autonomy.load();
    const { idempotencyKey } = proposal;
    if (idempotencyKey !== undefined) {
      const existing = await this.store.findTaskByIdempotencyKey(proposal.agentId, idempotencyKey);
      if (existing) return { task: toTaskView(existing), created: false };
    }
    const taskProposal = toTaskProposal(proposal);
    try {
      const task = await this.#runNew(this.#ids.next(), taskProposal, idempotencyKey ?? null);
      return { task, created: true };
    } catch (error) {
      if (error instanceof DuplicateIdempotencyKeyError) {
        const existing = await this.store.getTask(error.existingTaskId);
        if (existing) return { task: toTaskView(existing), created: false };
      }
      throw error;
    }
  }

  async decide(approvalId: string, decisionInput: Decision, principalInput: Principal): Promise<DecisionResult> {
    this.#assertOpen();
    const decision = parseInput(Decision, decisionInput, 'decision');
    const principal = parseInput(Principal, principalInput, 'principal');
    const first = await this.store.getApproval(approvalId);
    if (!first) throw new NotFoundError('approval', approvalId);
    return this.#locks.run(first.taskId, async () => {
      // A lost compare-and-set means another worker decided first: reload and judge again,
      // which turns the loss into the right 409 (not_pending, already_voted).
      for (let attempt = 0; ; attempt += 1) {
        const approval = await this.store.getApproval(approvalId);
        if (!approval) throw new NotFoundError('approval', approvalId);
        assertMayDecide(approval, decision, principal);
        const run = await this.#restore(approval.taskId, ['parked']);
        const at = isoNow(this.clock);
        run.start();
        const sent =
          decision.kind === 'approve'
            ? run.send({
                type: 'APPROVE',
                by: principal.id,
                at,
                policyVersion: this.#policyVersion,
                ...(decision.comment !== undefined ? { comment: decision.comment } : {}),
              })
            : decision.kind === 'reject'
              ? run.send({ type: 'REJECT', by: principal.id, at, reason: decision.reason })
              : run.send({ type: 'REROUTE', by: principal.id, at, reason: decision.reason, alternative: decision.alternative });
        let record: TaskRecord;
        try {
          if (!sent) await run.settled;
          record = await run.settled;
        } catch (error) {
          if (hasCode(error, 'stale_revision') && run.commits === 0 && attempt < 5) continue;
          if (!(hasCode(error, 'stale_revision') && run.commits > 0)) throw error;
          // Decided here, then taken over by another worker (its lease ran out): answer what it made of it.
          const stored = await this.#settledElsewhere(approval.taskId);
          return { approval: await this.getApproval(approvalId), task: toTaskView(stored) };
        }
        const task = toTaskView(record, contextOf(run));
        const decided = contextOf(run).approval ?? (await this.getApproval(approvalId));
        const result: DecisionResult = { approval: decided, task };
        const alternativeTask = await this.#submitAlternative(record, contextOf(run));
        if (alternativeTask) result.alternativeTask = alternativeTask;
        return result;
      }
    });
  }

  async cancel(taskId: string, principalInput: Principal, reason?: string): Promise<Task> {
    this.#assertOpen();
    const principal = parseInput(Principal, principalInput, 'principal');
    return this.#locks.run(taskId, async () => {
      const record = await this.store.getTask(taskId);
      if (!record) throw new NotFoundError('task', taskId);
      assertMayCancel(record.agentId, principal);
      const run = await this.#restore(taskId, ['parked']);
      run.start();
      run.send({ type: 'CANCEL', by: principal.id, at: isoNow(this.clock), ...(reason ? { reason } : {}) });
      const settled = await run.settled;
      return toTaskView(settled, contextOf(run));
    });
  }

  async get(taskId: string, options: { history?: boolean } = { history: true }): Promise<Task> {
    const record = await this.store.getTask(taskId);
    if (!record) throw new NotFoundError('task', taskId);
    return toTaskView(record, null, { history: options.history ?? true });
  }

  async list(query: Parameters<Engine['list']>[0]) {
    const page = await this.store.listTasks(query);
    return { items: page.items.map((record) => toTaskView(record)), nextCursor: page.nextCursor };
  }

  async getApproval(approvalId: string): Promise<Approval> {
    const approval = await this.store.getApproval(approvalId);
    if (!approval) throw new NotFoundError('approval', approvalId);
    return approval;
  }

  listApprovals(query: Parameters<Engine['listApprovals']>[0]) {
    return this.store.listApprovals(query);
  }

  async expireDue(limit = 500): Promise<number> {
    this.#assertOpen();
    const now = isoNow(this.clock);
    const listed = await this.store.listDueApprovals(now, limit);
    // Of workers sweeping at once, each deadline is applied by the one that claims its task.
    const claimed = await this.#leases.claim(listed.map((approval) => approval.taskId));
    const due = listed.filter((approval) => claimed.has(approval.taskId));
    const outcomes = await Promise.all(due.map((approval) => this.#expire(approval, now)));
    return outcomes.filter(Boolean).length;
  }

  async setAutonomy(changeInput: AutonomyChange, principalInput: Principal): Promise<AutonomySetting> {
    this.#assertOpen();
    const change = parseInput(AutonomyChange, changeInput, 'autonomy change');
    const principal = parseInput(Principal, principalInput, 'principal');
    const setting = await this.#autonomy.set(change, principal);
    this.#logger.info({ autonomy: setting }, 'autonomy level set');
    return setting;
  }

  async downgradeAutonomy(agentId: string, cause: AutonomyDowngradeCause, reason: string, department?: string): Promise<AutonomySetting | null> {
    this.#assertOpen();
    const setting = await this.#autonomy.downgrade(agentId, department, cause, reason);
    if (setting) this.#logger.warn({ autonomy: setting }, 'autonomy downgraded');
    return setting;
  }

  async autonomyOf(agentId: string, department?: string): Promise<AutonomyLevel> {
    await this.#autonomy.load();
    return this.#autonomy.levelFor(agentId, department);
  }

  async listAutonomy(): Promise<AutonomySetting[]> {
    await this.#autonomy.load();
    return this.#autonomy.list();
  }

  async recover(): Promise<RecoveryReport> {
    const report = await this.#takeOver();
    this.#logger.info(report, 'recovery finished');
    return report;
  }

  async maintain(): Promise<void> {
    this.#assertOpen();
    if (!this.store.shared) return;
    // Other workers: their dead ones' tasks, their autonomy changes, their events.
    const report = await this.#takeOver();
    if (report.resumed + report.quarantined > 0) this.#logger.info(report, 'took over tasks of a worker whose lease expired');
    await this.#autonomy.reload();
    await this.#follower.catchUp();
  }

  /** Continues the interrupted tasks nobody else holds a live lease on. */
  async #takeOver(): Promise<RecoveryReport> {
    this.#assertOpen();
    const report: RecoveryReport = { resumed: 0, quarantined: 0, alternativesSubmitted: 0 };
    const candidates = (await this.store.listTasksInStates(INTERRUPTED_STATES, 100_000)).filter((record) => !this.#runs.has(record.id));
    const claimed = await this.#leases.claim(candidates.map((record) => record.id));
    const interrupted = candidates.filter((record) => claimed.has(record.id));
    await Promise.all(
      interrupted.map((record) =>
        this.#locks.run(record.id, async () => {
          if (this.#runs.has(record.id)) return;
          try {
            const run = await this.#restore(record.id, INTERRUPTED_STATES, { recovered: true, leased: this.#leases.enabled });
            run.start();
            const settled = await run.settled;
            report.resumed += 1;
            if (await this.#submitAlternative(settled, contextOf(run))) report.alternativesSubmitted += 1;
          } catch (error) {
            if (error instanceof TaskLoadError && error.quarantined) report.quarantined += 1;
            // Listed while interrupted, then finished by the worker that ran it before the claim landed: nothing to take over.
            else if (error instanceof TaskLoadError && !error.snapshotError) this.#logger.debug({ taskId: record.id, reason: error.message }, 'task came to rest before the takeover');
            else this.#logger.error({ taskId: record.id, err: error }, 'recovery of a task failed');
          }
        }),
      ),
    );
    // A scan over every rerouted task: at start, then at most once a minute.
    if (Date.now() - this.#lastAlternativeScan >= 60_000) {
      this.#lastAlternativeScan = Date.now();
      report.alternativesSubmitted += await this.#submitMissingAlternatives();
    }
    return report;
  }

  /** Alternatives a crash kept from being submitted after their task was rerouted (the id is derived, so this is idempotent). */
  async #submitMissingAlternatives(): Promise<number> {
    let submitted = 0;
    for (const record of await this.store.listReroutesWithoutAlternative(1_000)) {
      try {
        if (await this.#submitAlternative(record, decodeEnvelope(record.envelope).context)) submitted += 1;
      } catch (error) {
        this.#logger.error({ taskId: record.id, err: error }, 'could not submit the alternative of a rerouted task');
      }
    }
    return submitted;
  }

  async close(options: { timeoutMs?: number } = {}): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#runs.drain(options.timeoutMs ?? 10_000);
    this.#leases.stop();
    this.#follower.stop();
  }

  /** Feeds the error-rate downgrade with each finished execution. */
  #countExecution(record: TaskRecord): void {
    if (!this.#errorRates || (record.state !== 'completed' && record.state !== 'failed')) return;
    if (!this.#errorRates.record(record.agentId, record.state === 'failed')) return;
    const { threshold, window } = this.#errorRates.rule;
    const reason = `at least ${Math.round(threshold * 100)}% of the last ${window} or fewer executions failed`;
    this.#autonomy
      .downgrade(record.agentId, record.department ?? undefined, 'error_rate', reason)
      .then((setting) => setting && this.#logger.warn({ autonomy: setting }, 'autonomy downgraded'))
      .catch((error) => this.#logger.error({ agentId: record.agentId, err: error }, 'could not downgrade autonomy'));
  }

  #assertOpen(): void {
    if (this.#closed) throw new ClosedError('engine');
  }

  async #runNew(taskId: string, proposal: TaskContext['proposal'], idempotencyKey: string | null): Promise<Task> {
    const run = Run.create(this.#deps, { taskId, proposal, idempotencyKey });
    this.#runs.add(run);
    run.start();
    run.send({ type: 'EVALUATE' });
    let record: TaskRecord;
    try {
      record = await run.settled;
    } catch (error) {
      if (!(hasCode(error, 'stale_revision') && run.commits > 0)) throw error;
      // Committed here, then taken over by another worker (its lease ran out): answer what it made of it.
      return toTaskView(await this.#settledElsewhere(taskId));
    }
    await this.#submitAlternative(record, contextOf(run));
    return toTaskView(record, contextOf(run));
  }

  /** The task once another worker has brought it to rest (parked or terminal). */
  async #settledElsewhere(taskId: string): Promise<TaskRecord> {
    // Real time, whatever the engine's clock: this is how long a caller waits.
    const deadline = Date.now() + 3 * this.#leases.leaseMs;
    for (;;) {
      const record = await this.store.getTask(taskId);
      if (record && (record.state === 'parked' || isTerminal(record.state))) return record;
      if (Date.now() > deadline) {
        throw new ConflictError('invalid_transition', `task ${taskId} was taken over by another worker and is still moving; read it again later`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Loads a stored task into a live run, quarantining it if its snapshot is unusable. */
  async #restore(taskId: string, allowed: readonly TaskState[], options: { recovered: boolean; leased?: boolean } = { recovered: false }): Promise<TaskRun> {
    if (this.#runs.has(taskId)) {
      throw new ConflictError('invalid_transition', `task ${taskId} is busy (executing); try again`);
    }
    try {
      const run = await loadTaskRun(this.#deps, taskId, allowed, options);
      this.#runs.add(run);
      return run;
    } catch (error) {
      if (error instanceof TaskLoadError && error.snapshotError && error.record) {
        await quarantineTask(this.#deps, error.record, error.snapshotError.message).catch((cause) =>
          this.#logger.error({ taskId, err: cause }, 'could not quarantine a task'),
        );
        error.quarantined = true;
      }
      throw error;
    }
  }

  async #expire(approval: Approval, now: string): Promise<boolean> {
    return this.#locks.run(approval.taskId, async () => {
      const current = await this.store.getApproval(approval.id);
      if (current?.status !== 'pending' || current.expiresAt === null || current.expiresAt > now) return false;
      try {
        const run = await this.#restore(current.taskId, ['parked'], { recovered: false, leased: this.#leases.enabled });
        run.start();
        if (!run.send({ type: 'TIMEOUT', at: now, policyVersion: this.#policyVersion })) return false;
        await run.settled;
        return true;
      } catch (error) {
        if (error instanceof GateError && error.code !== 'internal') return false;
        this.#logger.error({ approvalId: approval.id, err: error }, 'expiring an approval failed');
        return false;
      }
    });
  }

  /** The executor guard: intent durable first, never a blind second run after a crash. */
  async #execute(input: ExecutorInput): Promise<JsonValue> {
    const run = this.#runs.get(input.taskId);
    if (!run) throw new GateError('internal', `no live run for task ${input.taskId}`);
    await run.executionDurable;
    if (run.recovered && !this.#executor.idempotent) {
      throw new GateError(
        'execution_outcome_unknown',
        'the process stopped while this action was executing; the executor is not idempotent, so it is not run again',
      );
    }
    return this.#executor.execute({ ...input });
  }

  /** Submits the alternative of a rerouted task as a new linked task (idempotent: its id is derived). */
  async #submitAlternative(record: TaskRecord, context: TaskContext): Promise<Task | undefined> {
    if (record.state !== 'rerouted' || !context.alternative) return undefined;
    const { alternative, proposal } = context;
    const id = alternativeTaskId(record.id);
    const altProposal: TaskContext['proposal'] = {
      actionType: alternative.actionType,
      title: alternative.title ?? `${proposal.title} (alternative)`,
      args: alternative.args ?? {},
      agentId: proposal.agentId,
      parentTaskId: record.id,
    };
    if (proposal.department !== undefined) altProposal.department = proposal.department;
    try {
      return await this.#runNew(id, altProposal, null);
    } catch (error) {
      if (error instanceof TaskExistsError) {
        const existing = await this.store.getTask(id);
        return existing ? toTaskView(existing) : undefined;
      }
      throw error;
    }
  }
}

/** What the task machine keeps of a proposal (field by field: object rest is a slow path in V8). */
function toTaskProposal(proposal: Proposal): TaskContext['proposal'] {
  const task: TaskContext['proposal'] = { actionType: proposal.actionType, title: proposal.title, args: proposal.args ?? {}, agentId: proposal.agentId };
  if (proposal.description !== undefined) task.description = proposal.description;
  if (proposal.department !== undefined) task.department = proposal.department;
  if (proposal.ttlSeconds !== undefined) task.ttlSeconds = proposal.ttlSeconds;
  if (proposal.metadata !== undefined) task.metadata = proposal.metadata;
  return task;
}

function contextOf(run: TaskRun): TaskContext {
  return run.actor.getSnapshot().context;
}
