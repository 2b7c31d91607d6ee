import type { InspectionEvent, Observer } from 'xstate';
import type { Observable } from 'rxjs';
import type { ApprovalView } from '../model/approval.ts';
import type { AutonomyLevel } from '../model/autonomy.ts';
import type { AutonomyChange, AutonomyDowngradeCause, AutonomySetting } from '../model/autonomy-setting.ts';
import type { ErrorRateRule } from './error-rate.ts';
import type { Decision } from '../model/decision.ts';
import type { LifecycleEvent } from '../model/lifecycle-event.ts';
import type { Principal } from '../model/principal.ts';
import type { Proposal } from '../model/proposal.ts';
import type { Task } from '../model/task.ts';
import type { Store } from '../store/store.ts';
import type { Clock } from './clock.ts';
import type { ApprovalListQuery, TaskListQuery } from './list-queries.ts';
import type { Executor } from './executor.ts';
import type { IdGenerator } from './ids.ts';
import type { Logger } from './logger.ts';
import type { PolicyRuntime } from './policy-runtime.ts';

/** How to build an engine. Only `store` is required. */
export interface EngineOptions {
  store: Store;
  /** The compiled policy; default: DESIGN.md's default policy. */
  policy?: PolicyRuntime;
  /** Runs cleared actions; default: `recordExecutor` (marks the task completed, `{ cleared: true }`). */
  executor?: Executor;
  /**
   * How long an execution may take (real time, ms, up to 7 days): past it the request's `signal`
   * is aborted and the task fails with `execution_outcome_unknown` (it may have run). Default:
   * no limit — an executor that never answers keeps its task `executing` until a restart.
   */
  executorTimeoutMs?: number;
  clock?: Clock;
  ids?: IdGenerator;
  logger?: Logger;
  /**
   * When an agent's executions fail too often its autonomy drops one level; default
   * `DEFAULT_ERROR_RATE_RULE`; `false` turns it off.
   */
  errorRateDowngrade?: ErrorRateRule | false;
  /**
   * This worker's id in task leases. Default: `local` on a store one process uses (a restart
   * takes its own leases back at once), a unique id per process on a shared store.
   */
  workerId?: string;
  /** How long a lease lasts without a heartbeat (default 30 s): how soon a dead worker's tasks are taken over. */
  leaseMs?: number;
  /** XState's inspection stream of every task actor (for the visualizer's inspector). */
  inspect?: Observer<InspectionEvent> | ((event: InspectionEvent) => void);
}

/** What `submit` answers: the settled task, and whether it was created now (false: idempotent replay). */
export interface SubmitResult {
  task: Task;
  created: boolean;
  /**
   * On an idempotent replay (`created` false): the proposal fields in which this request differs
   * from the one that created the task (empty for a true retry). The first task is answered
   * either way; a non-empty list means the key was reused for something else.
   */
  replayDifferences?: string[];
}

/** What a decision answers. */
export interface DecisionResult {
  approval: ApprovalView;
  task: Task;
  /** The task submitted for the alternative, after a reroute. */
  alternativeTask?: Task;
}

/** How `recover()` tells its progress. */
export interface RecoverOptions {
  /** Called once every interrupted task is restored and running (each holds its task's lock), before they come to rest. */
  onRestored?: () => void;
}

/** What `recover()` did at start. */
export interface RecoveryReport {
  resumed: number;
  quarantined: number;
  alternativesSubmitted: number;
}

/**
 * The gate: submits proposals, decides approvals, expires deadlines, and streams lifecycle
 * events. Built by `createEngine`.
 */
export interface Engine {
  /** Validates and runs a proposal; resolves once the task is parked or terminal. */
  submit(proposal: Proposal): Promise<SubmitResult>;
  /** Applies a human decision (compare-and-set: of concurrent decisions exactly one takes effect). */
  decide(approvalId: string, decision: Decision, principal: Principal): Promise<DecisionResult>;
  /** Cancels a parked task (its agent, or an admin). */
  cancel(taskId: string, principal: Principal, reason?: string): Promise<Task>;
  get(taskId: string, options?: { history?: boolean }): Promise<Task>;
  /** Tasks, newest first; `limit` defaults to 50 (at most 1,000). @throws ValidationError */
  list(query?: TaskListQuery): Promise<{ items: Task[]; nextCursor: string | null }>;
  getApproval(approvalId: string): Promise<ApprovalView>;
  /** Approvals by the query's filters and order; `offset`/`limit` default to 0/50 (at most 1,000). @throws ValidationError */
  listApprovals(query?: ApprovalListQuery): Promise<{ items: ApprovalView[]; total: number }>;
  /** Applies the timeout policy to every pending approval past its deadline; returns how many. */
  expireDue(limit?: number): Promise<number>;
  /**
   * Sets an autonomy level (agent, department or company). Only a human (approver, admin)
   * raises one; an agent may lower its own. Audited.
   * @throws ValidationError, ForbiddenError
   */
  setAutonomy(change: AutonomyChange, principal: Principal): Promise<AutonomySetting>;
  /**
   * A downgrade of an agent: `budget_exhausted` → supervised, `security_incident` → locked,
   * `error_rate` → one level down. Never raises. Audited with `reportedBy`'s id as actor when a
   * principal reported it (an admin over HTTP), `system` otherwise (a monitor, the error-rate rule).
   * Resolves null when the agent is already at or below that level.
   */
  downgradeAutonomy(agentId: string, cause: AutonomyDowngradeCause, reason: string, department?: string, reportedBy?: Principal): Promise<AutonomySetting | null>;
  /** The autonomy level that applies to an agent now (agent → department → company). */
  autonomyOf(agentId: string, department?: string): Promise<AutonomyLevel>;
  /** Every stored autonomy level (the policy file's apply elsewhere). */
  listAutonomy(): Promise<AutonomySetting[]>;
  /**
   * On a shared store, what a worker does between sweeps: takes over the tasks of workers whose
   * leases expired, reloads autonomy levels, reads other workers' events. A no-op otherwise.
   */
  maintain(): Promise<void>;
  /** This worker's id in task leases. */
  readonly workerId: string;
  /**
   * Continues tasks a crash interrupted; resolves once they are at rest. Run once at start.
   * `onRestored` is called as soon as they are all restored and running (before their
   * executions end): a server may serve requests from then on.
   */
  recover(options?: RecoverOptions): Promise<RecoveryReport>;
  /** Every committed lifecycle event, in id order. */
  readonly events$: Observable<LifecycleEvent>;
  /** Tasks alive in memory right now. */
  readonly inFlight: number;
  readonly store: Store;
  readonly clock: Clock;
  /** Waits for in-flight tasks (up to `timeoutMs`), then refuses new work. Does not close the store. */
  close(options?: { timeoutMs?: number }): Promise<void>;
}
