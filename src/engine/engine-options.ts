import { z } from 'zod';
import type { EngineOptions } from './engine-types.ts';
import { MAX_EXECUTOR_TIMEOUT_MS } from './executor-timeout.ts';
import { parseInput } from './validate.ts';

/** An object of the host's that must have these methods (checked by shape: it is the host's own class). */
function withMethods(what: string, methods: readonly string[]) {
  return z.custom<object>(
    (value) => typeof value === 'object' && value !== null && methods.every((name) => typeof (value as Record<string, unknown>)[name] === 'function'),
    { message: `expected ${what} (an object with ${methods.join(', ')})` },
  );
}

/** The Store methods the engine calls: an object without them is not a store (a `--db` URL string, say). */
const STORE_METHODS = [
  'commit',
  'getTask',
  'findTaskByIdempotencyKey',
  'listTasks',
  'listTasksInStates',
  'getApproval',
  'listApprovals',
  'listDueApprovals',
  'setAutonomy',
  'listAutonomy',
  'claimTasks',
  'renewLeases',
  'readEvents',
  'lastEventId',
  'readAudit',
  'verifyAudit',
  'close',
] as const;

/** `createEngine`'s options, as an embedder may get them wrong. */
export const EngineOptionsSchema = z.strictObject({
  store: withMethods('a Store (openSqliteStore, openPostgresStore, createMemoryStore)', STORE_METHODS),
  policy: withMethods('a PolicyRuntime (policyRuntime(policy))', ['evaluate', 'planDeadlines']).optional(),
  // `idempotent` decides whether an action interrupted by a crash runs again: only a real boolean counts ('yes' is a mistake, not true).
  executor: withMethods('an Executor', ['execute'])
    .refine((executor) => {
      const { idempotent } = executor as { idempotent?: unknown };
      return idempotent === undefined || typeof idempotent === 'boolean';
    }, { message: 'idempotent must be true or false (or left out: false)', path: ['idempotent'] })
    .optional(),
  executorTimeoutMs: z.number().int().min(1).max(MAX_EXECUTOR_TIMEOUT_MS).optional(),
  clock: withMethods('a Clock', ['now']).optional(),
  ids: withMethods('an IdGenerator', ['next']).optional(),
  logger: withMethods('a pino logger', ['debug', 'info', 'warn', 'error']).optional(),
  errorRateDowngrade: z
    .union([
      z.literal(false),
      z
        .strictObject({ threshold: z.number().gt(0).max(1), window: z.number().int().min(1), minSamples: z.number().int().min(1) })
        .refine((rule) => rule.minSamples <= rule.window, { message: 'minSamples must be at most window', path: ['minSamples'] }),
    ])
    .optional(),
  workerId: z.string().min(1).max(200).optional(),
  // At least a second: heartbeats come every third of it, and WorkerLeases refuses less.
  leaseMs: z.number().int().min(1_000).max(24 * 3600 * 1000).optional(),
  inspect: z
    .custom<object>((value) => typeof value === 'function' || (typeof value === 'object' && value !== null), { message: 'expected a function or an observer' })
    .optional(),
});

/**
 * Checks `createEngine`'s options before anything starts: a missing or wrong store, a misspelt
 * option, a lease of -5 ms are a ValidationError naming the field, not a TypeError later.
 * @throws ValidationError
 * @example assertEngineOptions({ store })
 */
export function assertEngineOptions(options: EngineOptions): void {
  parseInput(EngineOptionsSchema, options, 'engine options (createEngine({ store, … }))');
}
