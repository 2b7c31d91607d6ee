import { z } from 'zod';
import type { Clock } from '../engine/clock.ts';
import { parseInput } from '../engine/validate.ts';
import { PacedRun } from './paced-run.ts';
import { ProposalQuota } from './proposal-quota.ts';
import { StreamSlots } from './stream-slots.ts';

/**
 * What one token can make the server do. Every field is optional; see `DEFAULT_REQUEST_LIMITS`.
 * Checked when an app is made (an embedder's `limits: { proposalBurst: 0 }` is a ValidationError).
 */
export const RequestLimitOptions = z.strictObject({
  /** Open event streams (`/api/v1/events` and `/api/v1/inspect` together) per principal id. */
  maxStreamsPerPrincipal: z.number().int().min(1).max(10_000).optional(),
  /** Proposal tokens each principal id gets back per second; 0: proposals are not limited. */
  proposalsPerSecond: z.number().min(0).max(1_000_000).optional(),
  /** Proposal tokens a principal id holds at most: its burst. */
  proposalBurst: z.number().int().min(1).max(1_000_000).optional(),
  /** Body bytes one proposal token pays for. */
  proposalBytesPerToken: z.number().int().min(1).max(1_048_576).optional(),
});
export type RequestLimitOptions = z.infer<typeof RequestLimitOptions>;

/**
 * The defaults: far above what an agent or our own tests reach, well below what an abuser needs.
 * A visualizer tab holds one or two streams, and a browser opens at most six connections per
 * server anyway; one agent flat out over loopback reaches a few hundred proposals a second on
 * this 2-core machine, and the torture run (10,000 tasks from 3 agents in under 3 minutes) about 20 a second per agent.
 */
export const DEFAULT_REQUEST_LIMITS = {
  maxStreamsPerPrincipal: 16,
  proposalsPerSecond: 200,
  proposalBurst: 1_000,
  proposalBytesPerToken: 4_096,
} as const satisfies Required<RequestLimitOptions>;

/** The limiters the routes share, one set per app. */
export interface RequestLimits {
  streams: StreamSlots;
  /** `null` when proposals are not limited. */
  proposals: ProposalQuota | null;
  /** `GET /api/v1/audit/verify`: one at a time per server, with a rest after each. */
  auditVerify: PacedRun;
}

/**
 * Builds an app's limiters from its options (defaults for what is left out) on the engine's clock.
 * @example const limits = createRequestLimits({ proposalsPerSecond: 0 }, engine.clock);
 */
export function createRequestLimits(options: RequestLimitOptions, clock: Clock): RequestLimits {
  const limits = { ...DEFAULT_REQUEST_LIMITS, ...definedOnly(parseInput(RequestLimitOptions, options, 'request limits (limits)')) };
  return {
    streams: new StreamSlots(limits.maxStreamsPerPrincipal),
    proposals:
      limits.proposalsPerSecond > 0
        ? new ProposalQuota({ perSecond: limits.proposalsPerSecond, burst: limits.proposalBurst, bytesPerToken: limits.proposalBytesPerToken }, clock)
        : null,
    auditVerify: new PacedRun(clock),
  };
}

function definedOnly(options: RequestLimitOptions): Partial<Record<keyof RequestLimitOptions, number>> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
}
