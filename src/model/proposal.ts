import { z } from 'zod';
import { ActionType } from './action-type.ts';
import { JsonObject } from './json.ts';
import { plainText } from './text.ts';

/** The longest approval deadline a proposal may ask for: one week. */
export const MAX_TTL_SECONDS = 604_800;

/** What an agent asks to do. `agentId` comes from authentication, never from a body. */
export const Proposal = z.strictObject({
  actionType: ActionType,
  title: plainText(1, 500),
  description: z.string().max(10_000).optional(),
  args: JsonObject.optional(),
  agentId: plainText(1, 200),
  department: plainText(1, 200).optional(),
  idempotencyKey: plainText(1, 200).optional(),
  /** The approval's deadline, in seconds from filing; overrides the risk tier's default. */
  ttlSeconds: z.number().int().min(1).max(MAX_TTL_SECONDS).optional(),
  metadata: JsonObject.optional(),
});
export type Proposal = z.infer<typeof Proposal>;
