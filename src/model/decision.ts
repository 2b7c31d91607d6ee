import { z } from 'zod';
import { Alternative } from './verdict.ts';

/** A human decision on an approval. */
export const Decision = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('approve'), comment: z.string().max(2_000).optional() }),
  z.strictObject({ kind: z.literal('reject'), reason: z.string().trim().min(1).max(2_000) }),
  z.strictObject({
    kind: z.literal('reroute'),
    reason: z.string().trim().min(1).max(2_000),
    alternative: Alternative,
  }),
]);
export type Decision = z.infer<typeof Decision>;

/** Why a parked task is cancelled, when the canceller (its agent, an admin) says. */
export const CancelReason = z.string().trim().min(1).max(2_000).optional();
