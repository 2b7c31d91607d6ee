import type { Principal } from '../../src/model/principal.ts';
import type { Proposal } from '../../src/model/proposal.ts';

/** Every `EXPIRING_EVERY`-th task gets the short deadline; the sweeper expires exactly those. */
export const EXPIRING_EVERY = 10;
/** The short deadline (s): passed once the simulated clock is advanced by `EXPIRY_JUMP_MS`. */
export const SHORT_TTL_SECONDS = 60;
/** The long deadline (s), API.md's maximum (the default policy's 4 h deny for high risk caps it): never reached in the benchmark. */
export const LONG_TTL_SECONDS = 604_800;
/** How far the clock jumps before the sweep: past every short deadline, far from any long one. */
export const EXPIRY_JUMP_MS = 2 * 3600_000;

/** The approver who resumes tasks (not the requesting agent, risk ceiling critical). */
export const SCALE_APPROVER: Principal = { id: 'scale-approver', roles: ['approver'], maxRisk: 'critical' };

/**
 * The i-th parked task: `vcs:push` is high risk, parked for one approval at the default
 * `semi` autonomy. A tenth of them get the short deadline.
 * @example engine.submit(parkedProposal(7))
 */
export function parkedProposal(i: number): Proposal {
  return {
    actionType: 'vcs:push',
    title: `push feature ${i}`,
    args: { remote: 'origin', branch: `feature/${i}` },
    agentId: `scale-agent-${i % 50}`,
    ttlSeconds: i % EXPIRING_EVERY === 0 ? SHORT_TTL_SECONDS : LONG_TTL_SECONDS,
  };
}

/** How many tasks of N the sweeper expires, and how many are approved and resumed (10 % each). */
export function bulkCount(n: number): number {
  return Math.ceil(n / EXPIRING_EVERY);
}
