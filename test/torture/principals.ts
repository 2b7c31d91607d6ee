import { writeFileSync } from 'node:fs';
import type { Principal } from '../../src/model/principal.ts';

/** The torture run's principals: agents submit, approvers decide (up to critical), an admin. */
export const TORTURE_PRINCIPALS = {
  agent1: { id: 'agent-1', roles: ['agent'] },
  agent2: { id: 'agent-2', roles: ['agent'] },
  agent3: { id: 'agent-3', roles: ['agent'] },
  alice: { id: 'alice', roles: ['approver'], maxRisk: 'critical' },
  bob: { id: 'bob', roles: ['approver'], maxRisk: 'critical' },
  carol: { id: 'carol', roles: ['approver'], maxRisk: 'critical' },
  admin: { id: 'admin', roles: ['admin'] },
} satisfies Record<string, Principal>;
export type TortureWho = keyof typeof TORTURE_PRINCIPALS;

/** The agents, for spreading tasks over several callers. */
export const AGENTS: readonly TortureWho[] = ['agent1', 'agent2', 'agent3'];

/** A deterministic bearer token per principal (≥ 32 characters, as the tokens schema wants). */
export const tortureToken = (who: TortureWho): string => `torture-token-${who}`.padEnd(40, '0');

/**
 * Writes the tokens file `tollgate serve --tokens` reads.
 * @example writeTortureTokens('/tmp/t/tokens.json');
 */
export function writeTortureTokens(path: string): void {
  const grants = Object.entries(TORTURE_PRINCIPALS).map(([who, principal]) => ({ token: tortureToken(who as TortureWho), principal }));
  writeFileSync(path, JSON.stringify(grants));
}
