import { ForbiddenError } from '../errors.ts';
import { type AutonomyLevel, AUTONOMY_LEVELS, compareAutonomy } from '../model/autonomy.ts';
import {
  type AutonomyChange,
  type AutonomyDowngradeCause,
  type AutonomyScope,
  type AutonomySetting,
  COMPANY_SUBJECT,
} from '../model/autonomy-setting.ts';
import { type Principal, SYSTEM_ACTOR } from '../model/principal.ts';
import { compareRisk, type RiskLevel } from '../model/risk.ts';
import { decisionCeiling } from './authorize.ts';
import type { Store } from '../store/store.ts';
import { type Clock, isoNow } from './clock.ts';
import type { PolicyAutonomy } from './policy-runtime.ts';

/**
 * The autonomy levels in force: the policy file's, overridden by levels stored in the store
 * (set by humans or lowered automatically). Resolved agent → department → company, the most
 * specific level that exists winning. Every change is one store write with its audit entry.
 *
 * @example
 * const registry = new AutonomyRegistry(store, policy.autonomy, clock);
 * await registry.load();
 * registry.levelFor('agent-7', 'platform'); // 'semi'
 */
export class AutonomyRegistry {
  #store: Store;
  #policy: PolicyAutonomy;
  #clock: Clock;
  #stored = new Map<string, AutonomySetting>();
  #loaded: Promise<void> | null = null;
  /** Changes are applied one at a time, so each one's `previous` is the level it really replaced. */
  #writes: Promise<unknown> = Promise.resolve();

  readonly #unlockedBy: (from: AutonomyLevel, to: AutonomyLevel) => RiskLevel | null;

  /** `unlockedBy`: the policy's answer to what a raise lets run unapproved (PolicyRuntime); without it, everything. */
  constructor(store: Store, policy: PolicyAutonomy, clock: Clock, unlockedBy?: (from: AutonomyLevel, to: AutonomyLevel) => RiskLevel | null) {
    this.#store = store;
    this.#policy = policy;
    this.#clock = clock;
    this.#unlockedBy = unlockedBy ?? ((from, to) => (compareAutonomy(to, from) > 0 ? 'critical' : null));
  }

  /** Reads the stored levels once (again after `reload`). */
  load(): Promise<void> {
    this.#loaded ??= this.#store.listAutonomy().then((settings) => {
      this.#stored = new Map(settings.map((setting) => [key(setting.scope, setting.subject), setting]));
    });
    return this.#loaded;
  }

  /** Forgets the cached levels and reads them again (another worker may have changed them). */
  reload(): Promise<void> {
    this.#loaded = null;
    return this.load();
  }

  /** The level that applies to an agent's proposals. */
  levelFor(agentId: string, department?: string): AutonomyLevel {
    return (
      this.#explicit('agent', agentId) ??
      (department === undefined ? undefined : this.#explicit('department', department)) ??
      this.levelAt('company', COMPANY_SUBJECT)
    );
  }

  /** The level in force at one scope: stored, else the policy file's, else (below company) the next scope up. */
  levelAt(scope: AutonomyScope, subject: string): AutonomyLevel {
    if (scope === 'company') return this.#stored.get(key('company', COMPANY_SUBJECT))?.level ?? this.#policy.company;
    return this.#explicit(scope, subject) ?? this.levelAt('company', COMPANY_SUBJECT);
  }

  /** Every stored level. */
  list(): AutonomySetting[] {
    return [...this.#stored.values()].map((setting) => ({ ...setting }));
  }

  /**
   * A principal sets a level. Only a human (approver or admin) raises one; an agent may only
   * lower its own; observers change nothing.
   * @throws ForbiddenError
   */
  set(change: AutonomyChange, principal: Principal): Promise<AutonomySetting> {
    return this.#serialised(async () => {
      await this.load();
      const subject = change.subject ?? COMPANY_SUBJECT;
      const previous = this.levelAt(change.scope, subject);
      assertMayChange(change, subject, previous, principal, this.#unlockedBy(previous, change.level));
      return this.#write({ scope: change.scope, subject, level: change.level, previous, reason: change.reason, setBy: principal.id, setAt: isoNow(this.#clock) });
    });
  }

  /**
   * A downgrade of one agent (DESIGN.md): error rate → one level down, budget exhausted →
   * supervised, security incident → locked. Never raises; resolves `null` when the agent is
   * already at or below the target. Set by `reportedBy` (a principal's id) or by `system`.
   */
  downgrade(
    agentId: string,
    department: string | undefined,
    cause: AutonomyDowngradeCause,
    reason: string,
    reportedBy: string = SYSTEM_ACTOR,
  ): Promise<AutonomySetting | null> {
    return this.#serialised(async () => {
      await this.load();
      const previous = this.levelFor(agentId, department);
      const target = downgradeTarget(previous, cause);
      if (compareAutonomy(target, previous) >= 0) return null;
      return this.#write({ scope: 'agent', subject: agentId, level: target, previous, reason, setBy: reportedBy, setAt: isoNow(this.#clock), cause });
    });
  }

  #explicit(scope: 'agent' | 'department', subject: string): AutonomyLevel | undefined {
    const stored = this.#stored.get(key(scope, subject))?.level;
    if (stored !== undefined) return stored;
    const fromPolicy = scope === 'agent' ? this.#policy.agents : this.#policy.departments;
    return Object.hasOwn(fromPolicy, subject) ? fromPolicy[subject] : undefined;
  }

  async #write(setting: AutonomySetting): Promise<AutonomySetting> {
    await this.#store.setAutonomy(setting);
    this.#stored.set(key(setting.scope, setting.subject), setting);
    return { ...setting };
  }

  #serialised<T>(work: () => Promise<T>): Promise<T> {
    const next = this.#writes.then(work, work);
    this.#writes = next.catch(() => undefined);
    return next;
  }
}

/** The level an automatic downgrade moves an agent to from `current`. */
export function downgradeTarget(current: AutonomyLevel, cause: AutonomyDowngradeCause): AutonomyLevel {
  switch (cause) {
    case 'security_incident':
      return 'locked';
    case 'budget_exhausted':
      return compareAutonomy(current, 'supervised') > 0 ? 'supervised' : current;
    case 'error_rate':
      return AUTONOMY_LEVELS[Math.max(0, AUTONOMY_LEVELS.indexOf(current) - 1)] ?? 'locked';
  }
}

/**
 * Who may set a level. Lowering: any human, or an agent its own. Raising: a human only, and only
 * as far as they could approve what it lets run unapproved (`unlocked`, the highest such risk:
 * their decision ceiling, as for approvals); and never a level that applies to their own tasks
 * (a principal that is also an agent raising its own, its department's or the company's level
 * would be approving its own future actions).
 */
function assertMayChange(change: AutonomyChange, subject: string, previous: AutonomyLevel, principal: Principal, unlocked: RiskLevel | null): void {
  const human = principal.roles.includes('admin') || principal.roles.includes('approver');
  const raising = compareAutonomy(change.level, previous) > 0;
  if (raising && !human) {
    throw new ForbiddenError(`only a human (approver or admin) may raise autonomy; ${principal.id} may not`);
  }
  if (!human) {
    const ownLevel = principal.roles.includes('agent') && change.scope === 'agent' && subject === principal.id;
    if (!ownLevel) throw new ForbiddenError(`${principal.id} may lower only its own autonomy`);
  }
  if (!raising) return;
  // An agent's level is its id's, whatever roles the token presenting that id holds: an id that
  // submits tasks under one token must not raise its own level under another (found by a security trial).
  const appliesToOwnTasks =
    (change.scope === 'agent' && subject === principal.id) ||
    (principal.roles.includes('agent') && (change.scope === 'company' || (change.scope === 'department' && subject === principal.department)));
  if (appliesToOwnTasks) {
    throw new ForbiddenError(
      `${principal.id} submits tasks itself, and raising the ${change.scope} level would let its own actions run unapproved; another human must raise it`,
      'self_approval',
    );
  }
  const ceiling = decisionCeiling(principal);
  if (unlocked !== null && compareRisk(unlocked, ceiling) > 0) {
    throw new ForbiddenError(
      `raising the ${change.scope} level from ${previous} to ${change.level} lets ${unlocked}-risk actions run with fewer approvals; ${principal.id} may decide up to ${ceiling}`,
      'risk_exceeds_role',
    );
  }
}

function key(scope: AutonomyScope, subject: string): string {
  return `${scope}\u0000${subject}`;
}
