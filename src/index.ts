// The public library API of Tollgate: named exports only. Everything here has TSDoc at its
// definition; what is not exported here is internal and may change.

// Engine
export { createEngine } from './engine/engine.ts';
export type { DecisionResult, Engine, EngineOptions, RecoverOptions, RecoveryReport, SubmitResult } from './engine/engine-types.ts';
export type { ApprovalListQuery, TaskListQuery } from './engine/list-queries.ts';
export { DEFAULT_ERROR_RATE_RULE, type ErrorRateRule } from './engine/error-rate.ts';
export { SimulatedClock, systemClock, type Clock } from './engine/clock.ts';
export { recordExecutor, type ExecutionRequest, type Executor } from './engine/executor.ts';
export { createIdGenerator, type IdGenerator } from './engine/ids.ts';
export { createLogger, type Logger } from './engine/logger.ts';
export { defaultPolicyRuntime, policyRuntime } from './engine/default-policy-runtime.ts';
export type { DeadlinePlan, PolicyAutonomy, PolicyRuntime } from './engine/policy-runtime.ts';

// Stores
export type { ApprovalQuery, PendingApprovalSummary, Store, TaskQuery } from './store/store.ts';
export type { CommitReceipt, TaskCommit, TaskLease, TaskRecord } from './store/task-record.ts';
export { createMemoryStore } from './store/memory.ts';
export { openSqliteStore, type SqliteStoreOptions } from './store/sqlite.ts';
export { backupSqliteStore, type SqliteBackupReport } from './store/sqlite-backup.ts';
export { openPostgresStore, type PostgresStoreOptions } from './store/postgres.ts';

// Machines
export { taskMachine, CHECKPOINT_TAG } from '../machines/task.machine.ts';
export { TASK_MACHINE_VERSION } from '../machines/version.ts';
export { decodeEnvelope, encodeEnvelope, PersistedTaskSnapshot, SnapshotEnvelope } from '../machines/envelope.ts';

// Model, policy, errors
export * from './model/index.ts';
export * from './policy/index.ts';
export * from './errors.ts';

// HTTP server, executors over HTTP, long-poll and sweeper
export { createApp, type AppOptions, type TollgateApp } from './server/app.ts';
export { startServer, type RunningServer, type ServerOptions } from './server/server.ts';
export { DEFAULT_REQUEST_LIMITS, RequestLimitOptions } from './server/request-limits.ts';
export { TokenTable, type Access } from './server/auth.ts';
export { loadTokensFile, parseTokens, TokenGrant, TokensFile } from './server/tokens-file.ts';
export { Problem, PROBLEM_CONTENT_TYPE } from './server/problem.ts';
export { buildOpenApi } from './server/openapi.ts';
export { createHttpExecutor, type HttpExecutor, HttpExecutorError, type HttpExecutorOptions } from './engine/http-executor.ts';
export { waitForTask, type WaitOptions } from './engine/task-waiter.ts';
export { startSweeper, type Sweeper } from './engine/sweeper.ts';

// Process tuning for entry points that own the process
export { GATE_NODE_FLAGS, tuneV8ForTheGate } from './util/v8-tuning.ts';
