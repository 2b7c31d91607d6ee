import { GateError } from '../errors.ts';
import type { JsonValue } from '../model/json.ts';

/** The largest executor result kept with the task (it is stored in every later snapshot). */
export const MAX_RESULT_BYTES = 1024 * 1024;

/**
 * The host executor's result as the task keeps it: plain JSON, exactly what the store will give
 * back (a Date becomes its ISO string, `undefined` becomes null). A result that cannot be JSON
 * (a BigInt, a cycle, a function) or is larger than 1 MiB is refused with
 * `executor_result_invalid`, which fails the task with that code — before it reaches the
 * task's snapshot, where it would fail every commit of the task (and, restored, every restart).
 * @throws GateError executor_result_invalid
 * @example executorResultAsJson({ at: new Date(0) }) // { at: '1970-01-01T00:00:00.000Z' }
 */
export function executorResultAsJson(value: unknown): JsonValue {
  if (value === undefined) return null;
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    throw refused(`it cannot be written as JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (text === undefined) throw refused(`it is a ${typeof value}, not a JSON value`);
  if (text.length > MAX_RESULT_BYTES) throw refused(`it is ${text.length} characters of JSON, more than ${MAX_RESULT_BYTES}`);
  return JSON.parse(text) as JsonValue;
}

function refused(why: string): GateError {
  return new GateError(
    'executor_result_invalid',
    `the action ran, but the executor's result cannot be kept: ${why}; return plain JSON (the executor knows the outcome by the task id, its idempotency key)`,
  );
}
