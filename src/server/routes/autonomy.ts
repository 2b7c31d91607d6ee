import { z } from 'zod';
import { AutonomyLevel } from '../../model/autonomy.ts';
import { AutonomyChange, AutonomyDowngrade, AutonomySetting } from '../../model/autonomy-setting.ts';
import { defineRoute, type Route, type RouteDeps } from '../route.ts';

const Subject = z.string().min(1).max(200);

/** `GET /api/v1/autonomy` query: with `agentId`, also the level that applies to that agent now. */
export const AutonomyQuery = z.strictObject({ agentId: Subject.optional(), department: Subject.optional() });

/** What `GET /api/v1/autonomy` answers. */
export const AutonomyPage = z.strictObject({
  items: z.array(AutonomySetting),
  effective: z.strictObject({ agentId: z.string(), department: z.string().nullable(), level: AutonomyLevel }).optional(),
});

/** An automatic downgrade reported by an operator or a monitoring hook. */
export const DowngradeBody = AutonomyDowngrade;

/** What a change answers: the level now stored, or null when a downgrade changed nothing. */
export const AutonomyAnswer = z.strictObject({ setting: AutonomySetting.nullable() });

/**
 * `/api/v1/autonomy`: the autonomy levels over the policy file's. Setting one goes through the
 * engine, which lets only a human raise a level and an agent lower only its own; every change
 * is an audit entry.
 * @example mountRoutes(app, autonomyRoutes(deps), options);
 */
export function autonomyRoutes({ engine, departmentOfAgent }: RouteDeps): Route[] {
  // An agent whose token names a department has its tasks filed under it: its level in force,
  // and a downgrade of it, are reckoned there (without it, a budget downgrade of an agent whose
  // department is looser than the company read 'already as low' and changed nothing).
  const departmentFor = (agentId: string, named: string | undefined) => departmentOfAgent?.(agentId) ?? named;
  return [
    defineRoute({
      method: 'GET',
      path: '/api/v1/autonomy',
      summary: 'Stored autonomy levels; with agentId, the level that applies to that agent',
      access: 'any',
      query: AutonomyQuery,
      responses: { 200: { description: 'stored levels (and the effective one)', schema: AutonomyPage } },
      handle: async ({ c, query }) => {
        const items = await engine.listAutonomy();
        if (query.agentId === undefined) return c.json({ items });
        const department = departmentFor(query.agentId, query.department);
        const level = await engine.autonomyOf(query.agentId, department);
        return c.json({ items, effective: { agentId: query.agentId, department: department ?? null, level } });
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/v1/autonomy',
      summary: 'Set an autonomy level (agent, department or company); only humans raise one',
      access: ['agent', 'approver', 'admin'],
      body: AutonomyChange,
      errors: ['forbidden'],
      responses: { 200: { description: 'the level now stored', schema: AutonomyAnswer } },
      handle: async ({ c, principal, body }) => c.json({ setting: await engine.setAutonomy(body, principal!) }),
    }),
    defineRoute({
      method: 'POST',
      path: '/api/v1/autonomy/downgrades',
      summary: 'Report a budget exhaustion or security incident: the agent is downgraded (never raised)',
      access: ['admin'],
      body: DowngradeBody,
      responses: { 200: { description: 'the level now stored, or null if it was already as low', schema: AutonomyAnswer } },
      handle: async ({ c, principal, body }) =>
        c.json({ setting: await engine.downgradeAutonomy(body.agentId, body.cause, body.reason, departmentFor(body.agentId, body.department), principal!) }),
    }),
  ];
}
