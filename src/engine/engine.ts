import { createApprovalStoreActor } from '../../actors/approval-store.ts';
import { createExecutorActor } from '../../actors/executor.ts';
import { createSecOpsActor } from '../../actors/secops.ts';
import type { TaskContext, TaskError } from '../../machines/task-context.ts';
import { decodeEnvelope } from '../../machines/envelope.ts';
import { taskMachine } from '../../machines/task.machine.ts';
import { ClosedError, DuplicateIdempotencyKeyError, NotFoundError, ValidationError } from '../errors.ts';
import { type Approval, type ApprovalView, toApprovalView } from '../model/approval.ts';
import { CancelReason, Decision } from '../model/decision.ts';
import { Principal } from '../model/principal.ts';
import { Proposal } from '../model/proposal.ts';
import type { Task } from '../model/task.ts';
import type { TaskRecord } from '../store/task-record.ts';
import { assertMayCancel } from './authorize.ts';
import { retryLostCas } from './cas-retry.ts';
import { type DecisionDeps, applyDecision, readApprovalView } from './decision-run.ts';
import { assertNoCredentialText, assertNoCredentialsInDecision, assertNoCredentialsOutsideArgs } from './credential-check.ts';
import { AutonomyRegistry } from './autonomy-registry.ts';
import { DEFAULT_ERROR_RATE_RULE, ErrorRateTracker, INFRASTRUCTURE_FAILURES } from './error-rate.ts';
import { AutonomyChange, AutonomyDowngrade, type AutonomyDowngradeCause, type AutonomySetting } from '../model/autonomy-setting.ts';
import type { AutonomyLevel } from '../model/autonomy.ts';
import { type Clock, isoNow, systemClock } from './clock.ts';
import { defaultPolicyRuntime } from './default-policy-runtime.ts';
import type { DecisionResult, Engine, EngineOptions, RecoverOptions, RecoveryReport, SubmitResult } from './engine-types.ts';
import { recordExecutor } from './executor.ts';
import { createIdGenerator, type IdGenerator } from './ids.ts';
import { replayDifferences } from './idempotent-replay.ts';
import { assertEngineOptions } from './engine-options.ts';
import { createLogger, type Logger } from './logger.ts';
import { JournalFollower } from './journal-follower.ts';
import { DEFAULT_LEASE_MS, WorkerLeases, defaultWorkerId } from './worker-leases.ts';
import { TaskRunner, contextOf } from './task-runner.ts';
import { Takeover } from './takeover.ts';
import { toTaskView } from './task-view.ts';
import { parseInput } from './validate.ts';
import { ApprovalListQuery, type ApprovalListQuery as ApprovalListQueryInput, TaskListQuery, type TaskListQuery as TaskListQueryInput } from './list-queries.ts';

/**
 * Builds the gate engine over a store.
 * @example
 * const engine = createEngine({ store: await openSqliteStore({ path: 'tollgate.db' }) });
 * await engine.recover();
 * const { task } = await engine.submit({ actionType: 'vcs:push', title: 'push', agentId: 'bot' });
 */
export function createEngine(options: EngineOptions): Engine {
  assertEngineOptions(options);
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
  #runner: TaskRunner;
  #takeover: Takeover;
  #decisions: DecisionDeps;
  #autonomy: AutonomyRegistry;
  #policyVersion: string;
  #errorRates: ErrorRateTracker | null;
  #closed = false;

  constructor(options: EngineOptions) {
    this.store = options.store;
    this.clock = options.clock ?? systemClock;
    this.#ids = options.ids ?? createIdGenerator(this.clock);
    this.#logger = options.logger ?? createLogger();
    const policy = options.policy ?? defaultPolicyRuntime();
    this.#policyVersion = policy.version;
    this.#autonomy = new AutonomyRegistry(this.store, policy.autonomy, this.clock, policy.unlockedBy?.bind(policy));
    this.#errorRates = options.errorRateDowngrade === false ? null : new ErrorRateTracker(options.errorRateDowngrade ?? DEFAULT_ERROR_RATE_RULE);
    // Another worker's autonomy change (a journal entry without a task) applies here as soon as its NOTIFY arrives.
    this.#follower = new JournalFollower(this.store, this.#logger, {
      onOtherEntries: () => {
        this.#autonomy.reload().catch((error) => this.#logger.warn({ err: error }, 'reloading autonomy levels failed; the next sweep tries again'));
      },
    });
    this.events$ = this.#follower.events$;
    this.#leases = new WorkerLeases(
      this.store,
      this.clock,
      this.#logger,
      { workerId: options.workerId ?? defaultWorkerId(this.store), leaseMs: options.leaseMs ?? DEFAULT_LEASE_MS },
      () => this.#runner.runs.leasedIds(),
    );
    this.#runner = new TaskRunner(
      {
        store: this.store,
        clock: this.clock,
        logger: this.#logger,
        machine: (execute) =>
          taskMachine.provide({
            actors: {
              secOps: createSecOpsActor(policy, (input) => this.#autonomy.levelFor(input.agentId, input.department)),
              approvalStore: createApprovalStoreActor({ clock: this.clock, ids: this.#ids, policy }),
              executor: createExecutorActor(execute),
            },
          }),
        publish: (events) => this.#follower.publish(events),
        lease: () => this.#leases.lease(),
        onLeaseLanded: (taskId, lease) => this.#leases.landed(taskId, lease),
        onRest: (record) => this.#countExecution(record),
        ...(options.inspect ? { inspect: options.inspect } : {}),
      },
      {
        executor: options.executor ?? recordExecutor,
        ...(options.executorTimeoutMs !== undefined ? { executorTimeoutMs: options.executorTimeoutMs } : {}),
        leases: this.#leases,
        policyVersion: this.#policyVersion,
      },
    );
    this.#decisions = { store: this.store, runner: this.#runner, clock: this.clock, policyVersion: this.#policyVersion,
      // Only the action type decides a risk; the rest of the input is a placeholder (an evaluation that fails says critical).
      riskOf: (actionType) => policy.evaluate({ taskId: 'reroute-alternative', actionType, args: {}, agentId: 'reroute-alternative' }, 'locked').riskLevel,
      applyTimeouts: (due, now) => this.#applyTimeouts(due, now) };
    this.#takeover = new Takeover(this.#runner, this.store, this.#leases, this.#logger);
    this.#leases.start();
    this.#follower.start();
  }

  get workerId(): string {
    return this.#leases.workerId;
  }

  get inFlight(): number {
    return this.#runner.runs.size;
  }

  async submit(input: Proposal): Promise<SubmitResult> {
    this.#assertOpen();
    const proposal = parseInput(Proposal, input, 'proposal');
    assertNoCredentialsOutsideArgs(proposal);
    await this.#autonomy.load();
    const { idempotencyKey } = proposal;
    const taskProposal = toTaskProposal(proposal);
    const replay = async (found: TaskRecord): Promise<SubmitResult> => {
      // Answered once settled, as its first submit would have been (TaskRunner.atRest).
      const existing = await this.#runner.atRest(found);
      return { task: toTaskView(existing), created: false, replayDifferences: replayDifferences(existing, taskProposal) };
    };
    if (idempotencyKey !== undefined) {
      const existing = await this.store.findTaskByIdempotencyKey(proposal.agentId, idempotencyKey);
      if (existing) return replay(existing);
    }
    try {
      const task = await this.#runner.runNew(this.#ids.next(), taskProposal, idempotencyKey ?? null);
      return { task, created: true };
    } catch (error) {
      if (error instanceof DuplicateIdempotencyKeyError) {
        const existing = await this.store.getTask(error.existingTaskId);
        if (existing) return replay(existing);
      }
      throw error;
    }
  }

  async decide(approvalId: string, decisionInput: Decision, principalInput: Principal): Promise<DecisionResult> {
    this.#assertOpen();
    const decision = parseInput(Decision, decisionInput, 'decision');
    const principal = parseInput(Principal, principalInput, 'principal');
    assertNoCredentialsInDecision(decision);
    return applyDecision(this.#decisions, approvalId, decision, principal);
  }

  async cancel(taskId: string, principalInput: Principal, reasonInput?: string): Promise<Task> {
    this.#assertOpen();
    const principal = parseInput(Principal, principalInput, 'principal');
    const reason = parseInput(CancelReason, reasonInput, 'cancel reason');
    assertNoCredentialText({ reason }, 'cancellation');
    return this.#runner.locks.run(taskId, () =>
      // Another worker's commit (a vote, a decision, a deadline) between the read and the write
      // loses this one its compare-and-set: read the task again and judge it as it is now — still
      // parked, it is cancelled; decided meanwhile, the answer is invalid_transition.
      retryLostCas(taskId, async () => {
        const record = await this.store.getTask(taskId);
        if (!record) throw new NotFoundError('task', taskId);
        assertMayCancel(record.agentId, principal);
        const run = await this.#runner.restore(taskId, ['parked']);
        run.start();
        run.send({ type: 'CANCEL', by: principal.id, at: isoNow(this.clock), ...(reason ? { reason } : {}) });
        const settled = await run.settled;
        return toTaskView(settled, contextOf(run));
      }),
    );
  }

  async get(taskId: string, options: { history?: boolean } = { history: true }): Promise<Task> {
    const record = await this.store.getTask(taskId);
    if (!record) throw new NotFoundError('task', taskId);
    return toTaskView(record, null, { history: options.history ?? true });
  }

  async list(input: TaskListQueryInput = {}) {
    const query = stripUndefined(parseInput(TaskListQuery, input, 'task query'));
    // A cursor is the id of the last task of a page: anything else would silently page from
    // the start (ids compare as text), and a client paging on would loop forever.
    if (query.cursor !== undefined && (await this.store.getTask(query.cursor)) === null) {
      throw new ValidationError('cursor: not the nextCursor of a page (no such task)', [{ path: 'cursor', message: 'no such task' }]);
    }
    const page = await this.store.listTasks(query);
    return { items: page.items.map((record) => toTaskView(record)), nextCursor: page.nextCursor };
  }

  async getApproval(approvalId: string): Promise<ApprovalView> {
    return readApprovalView(this.store, approvalId);
  }

  async listApprovals(input: ApprovalListQueryInput = {}): Promise<{ items: ApprovalView[]; total: number }> {
    const page = await this.store.listApprovals(stripUndefined(parseInput(ApprovalListQuery, input, 'approval query')));
    return { items: page.items.map(toApprovalView), total: page.total };
  }

  async expireDue(limit = 500): Promise<number> {
    this.#assertOpen();
    const now = isoNow(this.clock);
    return this.#applyTimeouts(await this.store.listDueApprovals(now, limit), now);
  }

  /**
   * Applies the timeout of approvals whose deadline is at or before `now`; returns how many it
   * applied. Of workers doing this at once, each deadline is applied by the one that claims its task.
   */
  async #applyTimeouts(due: readonly Approval[], now: string): Promise<number> {
    const claimed = await this.#leases.claim(due.map((approval) => approval.taskId));
    const mine = due.filter((approval) => claimed.has(approval.taskId));
    const outcomes = await Promise.all(mine.map((approval) => this.#runner.expire(approval, now)));
    return outcomes.filter(Boolean).length;
  }

  async setAutonomy(changeInput: AutonomyChange, principalInput: Principal): Promise<AutonomySetting> {
    this.#assertOpen();
    const change = parseInput(AutonomyChange, changeInput, 'autonomy change');
    const principal = parseInput(Principal, principalInput, 'principal');
    assertNoCredentialText({ reason: change.reason }, 'autonomy change');
    const setting = await this.#autonomy.set(change, principal);
    this.#logger.info({ autonomy: setting }, 'autonomy level set');
    return setting;
  }

  async downgradeAutonomy(
    agentId: string,
    cause: AutonomyDowngradeCause,
    reason: string,
    department?: string,
    reportedBy?: Principal,
  ): Promise<AutonomySetting | null> {
    this.#assertOpen();
    const downgrade = parseInput(AutonomyDowngrade, stripUndefined({ agentId, cause, reason, department }), 'autonomy downgrade');
    const reporter = reportedBy === undefined ? undefined : parseInput(Principal, reportedBy, 'principal');
    assertNoCredentialText({ reason: downgrade.reason }, 'autonomy change');
    const setting = await this.#autonomy.downgrade(downgrade.agentId, downgrade.department, downgrade.cause, downgrade.reason, reporter?.id);
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

  async recover(options: RecoverOptions = {}): Promise<RecoveryReport> {
    this.#assertOpen();
    const report = await this.#takeover.run(options.onRestored);
    this.#logger.info(report, 'recovery finished');
    return report;
  }

  async maintain(): Promise<void> {
    this.#assertOpen();
    if (!this.store.shared) return;
    // Other workers: their dead ones' tasks (restored and running, not awaited: their executions
    // must not hold up the sweep's deadlines), their autonomy changes, their events.
    await this.#takeover.startRun();
    await this.#autonomy.reload();
    await this.#follower.catchUp();
  }

  async close(options: { timeoutMs?: number } = {}): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#runner.runs.drain(options.timeoutMs ?? 10_000);
    this.#leases.stop();
    this.#follower.stop();
  }

  /**
   * Feeds the error-rate downgrade with each finished execution, and logs each failed one. A
   * failure of the executor's infrastructure (INFRASTRUCTURE_FAILURES) is not the agent's and
   * is not counted.
   */
  #countExecution(record: TaskRecord): void {
    if (record.state !== 'completed' && record.state !== 'failed') return;
    if (record.state === 'failed') {
      const error = failureOf(record);
      this.#logger.warn({ taskId: record.id, agentId: record.agentId, actionType: record.actionType, error }, 'execution failed');
      if (error && INFRASTRUCTURE_FAILURES.has(error.code)) return;
    }
    const rates = this.#errorRates;
    if (!rates?.record(record.agentId, record.state === 'failed')) return;
    const { threshold, window } = rates.rule;
    const reason = `at least ${Math.round(threshold * 100)}% of the last ${window} or fewer executions failed`;
    this.#autonomy
      .downgrade(record.agentId, record.department ?? undefined, 'error_rate', reason)
      .then((setting) => setting && this.#logger.warn({ autonomy: setting }, 'autonomy downgraded'))
      .catch((error) => this.#logger.error({ agentId: record.agentId, err: error }, 'could not downgrade autonomy'));
  }

  #assertOpen(): void {
    if (this.#closed) throw new ClosedError('engine');
  }
}

/** Why a failed task failed, from its snapshot (a failure is rare: decoding it then costs nothing that matters). */
function failureOf(record: TaskRecord): TaskError | null {
  try {
    return decodeEnvelope(record.envelope).context.error;
  } catch {
    return null;
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

/** An object type whose optional keys, when present, are not `undefined`. */
type WithoutUndefined<T> = { [K in keyof T]: Exclude<T[K], undefined> };

/**
 * A parsed query without the keys zod left undefined (the stores' types are exact about optional
 * keys, and so is a host's tsc under `exactOptionalPropertyTypes`: it checks these sources too).
 */
function stripUndefined<T extends object>(query: T): WithoutUndefined<T> {
  for (const key of Object.keys(query) as Array<keyof T>) if (query[key] === undefined) delete query[key];
  return query as WithoutUndefined<T>;
}
