import { parseInput } from '../engine/validate.ts';
import { ValidationError } from '../errors.ts';
import { JsonObject } from '../model/json.ts';

/**
 * A command-line option that holds a JSON object (`--args '{"branch":"main"}'`), parsed and
 * checked: bad JSON or another kind of value is a validation error naming the option (exit 2).
 * @throws ValidationError
 * @example jsonObjectOption('{"branch":"main"}', '--args') // { branch: 'main' }
 */
export function jsonObjectOption(text: string, flag: string): JsonObject {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ValidationError(`${flag} is not valid JSON: ${(error as Error).message}`, [{ path: flag, message: 'not valid JSON' }]);
  }
  return parseInput(JsonObject, json, flag);
}
