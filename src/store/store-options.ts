import { z } from 'zod';
import { parseInput } from '../engine/validate.ts';

/** A logger as the stores use it: anything with pino's level methods (checked loosely: it is the host's object). */
const LoggerOption = z.custom<object>((value) => typeof value === 'object' && value !== null && typeof (value as { warn?: unknown }).warn === 'function', {
  message: 'expected a pino logger',
});

/** What `openSqliteStore` accepts, checked before anything is opened or created. */
export const SqliteStoreOptionsSchema = z.strictObject({
  path: z.string().min(1, 'give the database file'),
  synchronous: z.enum(['FULL', 'NORMAL']).optional(),
  writer: z.enum(['auto', 'thread', 'inline']).optional(),
  readOnly: z.boolean().optional(),
  logger: LoggerOption.optional(),
});

/** What `openPostgresStore` accepts, checked before a connection is made. */
export const PostgresStoreOptionsSchema = z.strictObject({
  connectionString: z.string().min(1, 'give a postgres:// URL'),
  schema: z.string().optional(),
  poolSize: z.number().int().min(1).max(1_000).optional(),
  connectTimeoutMs: z.number().int().min(1).max(600_000).optional(),
  queryTimeoutMs: z.number().int().min(1).max(3_600_000).optional(),
  mustExist: z.boolean().optional(),
  logger: LoggerOption.optional(),
});

/**
 * Checks a store's options as an embedder passed them (a path string where an options object
 * was due, a misspelt key, `synchronous: 'OFF'`): a clear ValidationError, and nothing is
 * created — rather than a file named `undefined` beside the program.
 * @throws ValidationError
 * @example checkStoreOptions(SqliteStoreOptionsSchema, options, 'SQLite store options');
 */
export function checkStoreOptions<S extends z.ZodType>(schema: S, options: unknown, what: string): void {
  parseInput(schema, options, what);
}
