import { z } from 'zod';
import { ActionType } from './action-type.ts';
import { JsonObject } from './json.ts';
import { plainText, shownText } from './text.ts';

/** The longest approval deadline a proposal may ask for: one week. */
export const MAX_TTL_SECONDS = 604_800;

/** What an agent asks to do. `agentId` comes from authentication, never from a body. */
export const Proposal = z.strictObject({
  actionType: ActionType,
  title: plainText(1, 500),
  description: shownText(10_000).optional(),
  args: JsonObject.optional(),
  agentId: plainText(1, 200),
  department: plainText(1, 200).optional(),
  idempotencyKey: plainText(1, 200).optional(),
  /** The approval's deadline, in seconds from filing: it can only bring the policy's deadlines sooner (see planDeadlines). */
  ttlSeconds: z
    .number()
    .int()
    .min(1)
    .max(MAX_TTL_SECONDS)
    .optional()
    .describe("the approval's deadline, in seconds: the request lapses (denied) then, if the policy has not ended it sooner — a ttl never brings an approval, nor a deny or an escalation later than the policy's"),
  metadata: JsonObject.optional(),
});
export type Proposal = z.infer<typeof Proposal>;
