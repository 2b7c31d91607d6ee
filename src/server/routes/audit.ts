import { TooManyRequestsError } from '../../errors.ts';
import { defineRoute, type Route, type RouteDeps } from '../route.ts';
import { parseAuditAnchors } from '../../model/audit-anchor.ts';
import { AuditPage, AuditQuery, AuditVerificationAnswer, AuditVerifyQuery } from '../schemas.ts';

/**
 * `/api/v1/audit`: the hash-chained audit log, oldest first, and its verification.
 * @example mountRoutes(app, auditRoutes(deps), options);
 */
export function auditRoutes({ engine, limits }: RouteDeps): Route[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/api/v1/audit',
      summary: 'Audit entries, oldest first (optionally of one task); page with afterSeq',
      access: 'any',
      query: AuditQuery,
      responses: { 200: { description: 'audit entries', schema: AuditPage } },
      handle: async ({ c, query }) => {
        const items = await engine.store.readAudit({
          afterSeq: query.afterSeq,
          limit: query.limit + 1,
          ...(query.taskId ? { taskId: query.taskId } : {}),
        });
        const more = items.length > query.limit;
        const page = more ? items.slice(0, query.limit) : items;
        return c.json({ items: page, nextAfterSeq: more ? (page.at(-1)?.seq ?? null) : null });
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/audit/verify',
      summary: 'Recompute the hash chain, and check it against anchors recorded elsewhere; brokenAt is the first entry that does not match',
      access: 'any',
      query: AuditVerifyQuery,
      responses: { 200: { description: 'the verification', schema: AuditVerificationAnswer } },
      errors: ['too_many_requests'],
      handle: async ({ c, query }) => {
        const anchors = query.anchor === undefined ? [] : parseAuditAnchors(query.anchor);
        // It walks the whole journal: one at a time per server, with a rest as long after each.
        const turn = limits.auditVerify.begin();
        if (!turn.ok) throw new TooManyRequestsError('an audit verification walks the whole journal, so one runs at a time with a rest as long after it; ask again later', turn.retryAfterMs);
        try {
          return c.json(await engine.store.verifyAudit(anchors));
        } finally {
          turn.end();
        }
      },
    }),
  ];
}
