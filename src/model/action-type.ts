import { z } from 'zod';

/** `category:action`, e.g. `vcs:push`. */
export const ACTION_TYPE_PATTERN = /^[a-z][a-z0-9_-]*:[a-z][a-z0-9_-]*$/;

/** An action type string such as `deploy:production`; anything else is a validation error. */
export const ActionType = z
  .string()
  .max(128)
  .regex(ACTION_TYPE_PATTERN, 'must look like category:action (lowercase, e.g. vcs:push)');
export type ActionType = z.infer<typeof ActionType>;
