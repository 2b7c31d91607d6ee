import type { DecisionResult } from '../../engine/engine-types.ts';
import { ApprovalView } from '../../model/approval.ts';
import type { Decision } from '../../model/decision.ts';
import type { Principal } from '../../model/principal.ts';
import type { ProblemCode } from '../problem.ts';
import { ValidationError } from '../../errors.ts';
import { type ApprovalListing, decodeApprovalCursor, encodeApprovalCursor } from '../approval-cursor.ts';
import { defineRoute, type Route, type RouteDeps } from '../route.ts';
import { ApprovalPage, ApproveBody, DecisionAnswer, ListApprovalsQuery, RejectBody, RerouteBody } from '../schemas.ts';

const DECISION_ERRORS: readonly ProblemCode[] = ['not_found', 'self_approval', 'risk_exceeds_role', 'not_pending', 'already_voted', 'invalid_transition'];

/**
 * `/api/v1/approvals`: the human queue. `decidedBy` is always the caller; who may decide what
 * (self-approval, risk ceiling, double votes, late decisions) is the engine's judgement.
 * @example mountRoutes(app, approvalRoutes(deps), options);
 */
export function approvalRoutes({ engine, metrics }: RouteDeps): Route[] {
  const decide = async (approvalId: string, decision: Decision, principal: Principal): Promise<DecisionResult> => {
    const result = await engine.decide(approvalId, decision, principal);
    metrics.countDecision(decision.kind);
    return result;
  };
  return [
    defineRoute({
      method: 'GET',
      path: '/api/v1/approvals',
      summary: 'List approvals, newest first or in urgency order (order=urgency); page by offset or by cursor',
      access: 'any',
      query: ListApprovalsQuery,
      responses: { 200: { description: 'a page of approvals', schema: ApprovalPage } },
      handle: async ({ c, query }) => {
        const { offset, limit, status, riskLevel, riskAtMost, actionType, order, cursor } = query;
        const listing: ApprovalListing = { order, status, riskLevel, riskAtMost, actionType };
        if (cursor !== undefined && offset !== 0) {
          throw new ValidationError('invalid query: give cursor or offset, not both', [{ path: 'offset', message: 'not with cursor' }]);
        }
        // One more than asked for: whether there is a next page.
        const page = await engine.listApprovals({
          offset,
          limit: limit + 1,
          order,
          ...(status ? { status } : {}),
          ...(riskLevel ? { riskLevel } : {}),
          ...(riskAtMost ? { riskAtMost } : {}),
          ...(actionType ? { actionType } : {}),
          ...(cursor !== undefined ? { after: decodeApprovalCursor(cursor, listing) } : {}),
        });
        const items = page.items.slice(0, limit);
        const last = items.at(-1);
        const nextCursor = page.items.length > limit && last ? encodeApprovalCursor(listing, last) : null;
        return c.json({ items, total: page.total, offset, limit, nextCursor });
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/approvals/{id}',
      summary: 'An approval',
      access: 'any',
      errors: ['not_found'],
      responses: { 200: { description: 'the approval', schema: ApprovalView } },
      handle: async ({ c, params }) => c.json(await engine.getApproval(params.id!)),
    }),
    defineRoute({
      method: 'POST',
      path: '/api/v1/approvals/{id}/approve',
      summary: 'Vote to approve; with enough distinct votes the task resumes and executes',
      access: ['approver', 'admin'],
      body: ApproveBody,
      errors: DECISION_ERRORS,
      responses: { 200: { description: 'the approval and its task', schema: DecisionAnswer } },
      handle: async ({ c, principal, params, body }) =>
        c.json(await decide(params.id!, { kind: 'approve', ...(body.comment !== undefined ? { comment: body.comment } : {}) }, principal!)),
    }),
    defineRoute({
      method: 'POST',
      path: '/api/v1/approvals/{id}/reject',
      summary: 'Reject: the approval is rejected and the task denied',
      access: ['approver', 'admin'],
      body: RejectBody,
      errors: DECISION_ERRORS,
      responses: { 200: { description: 'the approval and its task', schema: DecisionAnswer } },
      handle: async ({ c, principal, params, body }) => c.json(await decide(params.id!, { kind: 'reject', reason: body.reason }, principal!)),
    }),
    defineRoute({
      method: 'POST',
      path: '/api/v1/approvals/{id}/reroute',
      summary: 'Reroute: the task ends rerouted and the alternative is submitted for the same agent',
      access: ['approver', 'admin'],
      body: RerouteBody,
      errors: DECISION_ERRORS,
      responses: { 200: { description: 'the approval, its task and the alternative task', schema: DecisionAnswer } },
      handle: async ({ c, principal, params, body }) =>
        c.json(await decide(params.id!, { kind: 'reroute', reason: body.reason, alternative: body.alternative }, principal!)),
    }),
  ];
}
