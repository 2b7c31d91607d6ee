import { z } from 'zod';
import { plainText, shownText } from './text.ts';
import { Alternative } from './verdict.ts';

/** A reason or comment shown to the humans who decide: trimmed, at most 2,000 characters, no bidirectional controls. */
const DecisionText = shownText(2_000);

/**
 * A human's reroute target. Its title becomes the new task's title, so it follows a proposal's
 * title rules (no NUL, no bidirectional controls), which the title of SecOps' own alternatives,
 * kept in stored verdicts, is not held to.
 */
const RerouteAlternative = Alternative.extend({ title: plainText(1, 500).optional(), reason: DecisionText.optional() });

/** A human decision on an approval. */
export const Decision = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('approve'), comment: DecisionText.optional() }),
  z.strictObject({ kind: z.literal('reject'), reason: z.string().trim().min(1).max(2_000).pipe(DecisionText) }),
  z.strictObject({
    kind: z.literal('reroute'),
    reason: z.string().trim().min(1).max(2_000).pipe(DecisionText),
    alternative: RerouteAlternative,
  }),
]);
export type Decision = z.infer<typeof Decision>;

/** Why a parked task is cancelled, when the canceller (its agent, an admin) says. */
export const CancelReason = z.string().trim().min(1).max(2_000).pipe(DecisionText).optional();
