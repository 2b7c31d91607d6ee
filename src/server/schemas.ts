import { z } from 'zod';
import { plainText } from '../model/text.ts';
import { ActionType } from '../model/action-type.ts';
import { ApprovalStatus, ApprovalView } from '../model/approval.ts';
import { ApprovalOrder } from '../model/approval-order.ts';
import { CancelReason, Decision } from '../model/decision.ts';
import { AuditEntry } from '../model/lifecycle-event.ts';
import { Proposal } from '../model/proposal.ts';
import { RiskLevel } from '../model/risk.ts';
import { Task } from '../model/task.ts';
import { TaskState } from '../model/task-state.ts';

/**
 * The HTTP API's own schemas: bodies, query strings and answer envelopes, built from the
 * model's schemas. Routes parse with them and the OpenAPI document is generated from them, so
 * the two cannot drift apart.
 */

/**
 * A decimal integer query parameter in `[min, max]`, with a default.
 * @example integerParam(1, 200, 50).parse('7') // 7
 */
export function integerParam(min: number, max: number, fallback: number) {
  return z
    .string()
    .regex(/^\d+$/, 'must be a decimal integer')
    // Any length of digits, so that 99999999999 is told it is too large, not that it is no integer.
    .transform((digits) => (digits.length > 15 ? Number.MAX_SAFE_INTEGER : Number(digits)))
    .pipe(z.number().int().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`))
    .default(fallback)
    .describe(`integer ${min}…${max}, default ${fallback}`);
}

/** A path parameter naming a task or an approval. */
export const IdParam = plainText(1, 200);

/** Most items a list answers at once. */
export const MAX_PAGE = 200;
/** Longest `/wait` long-poll, in milliseconds. */
export const MAX_WAIT_MS = 60_000;
/** Longest approvals `cursor` accepted (the longest this server writes is well under it). */
export const MAX_CURSOR_LENGTH = 1_000;
/** How long `/wait` waits when not told. */
export const DEFAULT_WAIT_MS = 30_000;

// ---- bodies ----------------------------------------------------------------------------------

/** An optional field that may also be sent as `null`, meaning absent (its description kept). */
function nullMeansAbsent<T extends z.ZodType>(field: z.ZodOptional<T>) {
  const nullish = field.unwrap().nullish();
  return field.description === undefined ? nullish : nullish.describe(field.description);
}

/**
 * `POST /tasks`: a proposal without `agentId` (the caller is the agent). Its optional fields may
 * also be `null`, meaning absent: a task shows `description: null` and `department: null`, and
 * clients that write absent fields as null (pydantic, Jackson) send them so. The route drops the
 * nulls (`withoutNulls`) before the engine sees the proposal.
 */
export const TaskSubmission = Proposal.omit({ agentId: true }).extend({
  description: nullMeansAbsent(Proposal.shape.description),
  args: nullMeansAbsent(Proposal.shape.args),
  department: nullMeansAbsent(Proposal.shape.department),
  idempotencyKey: nullMeansAbsent(Proposal.shape.idempotencyKey),
  ttlSeconds: nullMeansAbsent(Proposal.shape.ttlSeconds),
  metadata: nullMeansAbsent(Proposal.shape.metadata),
});

/**
 * The body without its `null` fields (absent, as `TaskSubmission` reads them).
 * @example withoutNulls({ title: 't', description: null }) // { title: 't' }
 */
export function withoutNulls<T extends Record<string, unknown>>(body: T): { [K in keyof T]: Exclude<T[K], null> } {
  const present: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) if (value !== null) present[key] = value;
  return present as { [K in keyof T]: Exclude<T[K], null> };
}
export const ApproveBody = Decision.options[0].omit({ kind: true });
export const RejectBody = Decision.options[1].omit({ kind: true });
export const RerouteBody = Decision.options[2].omit({ kind: true });
/** `POST /tasks/{id}/cancel`: empty, `{}`, or a reason for the audit log. */
export const CancelBody = z.strictObject({ reason: CancelReason });

// ---- query strings ---------------------------------------------------------------------------

export const ListTasksQuery = z.object({
  state: TaskState.optional(),
  limit: integerParam(1, MAX_PAGE, 50),
  cursor: plainText(1, 200).optional().describe('the nextCursor of the page before'),
});
export const WaitQuery = z.object({ timeoutMs: integerParam(0, MAX_WAIT_MS, DEFAULT_WAIT_MS) });
export const ListApprovalsQuery = z.object({
  status: ApprovalStatus.optional(),
  riskLevel: RiskLevel.optional(),
  riskAtMost: RiskLevel.optional().describe('only approvals of this risk or lower: what an approver with this maxRisk may decide'),
  actionType: ActionType.optional(),
  order: ApprovalOrder.default('newest').describe(
    'newest: newest request first (default). urgency: highest risk first, then the nearest deadline (none last), the oldest request, the id — the queue in working order; indexed for status=pending',
  ),
  offset: integerParam(0, 1_000_000_000, 0),
  limit: integerParam(1, MAX_PAGE, 50),
  cursor: z
    .string()
    .max(MAX_CURSOR_LENGTH)
    .optional()
    .describe('the nextCursor of the page before, with the same filters and order (instead of offset): the page right after its last approval, at the cost of the first page'),
});
export const AuditQuery = z.object({
  taskId: IdParam.optional(),
  afterSeq: integerParam(0, Number.MAX_SAFE_INTEGER, 0),
  limit: integerParam(1, 10_000, 1_000),
});
export const AuditVerifyQuery = z.object({
  anchor: z
    .string()
    .max(100_000)
    .optional()
    .describe('entries recorded outside the store, as seq:hash (head of an earlier verification), several separated by commas: each must be in the chain as recorded'),
});

// ---- answers ---------------------------------------------------------------------------------

export const TaskAnswer = z.object({ task: Task });
export const TaskPage = z.object({ items: z.array(Task), nextCursor: z.string().nullable() });
export const ApprovalPage = z.object({
  items: z.array(ApprovalView),
  total: z.number().int(),
  offset: z.number().int(),
  limit: z.number().int(),
  // Defaults to null for clients of this code reading an older server's page, which has none.
  nextCursor: z.string().nullable().default(null).describe('pass as cursor for the page after this one; null when this page is the last'),
});
export const DecisionAnswer = z.object({ approval: ApprovalView, task: Task, alternativeTask: Task.optional() });
export const AuditPage = z.object({
  items: z.array(AuditEntry),
  nextAfterSeq: z.number().int().nullable().describe('pass as afterSeq for the next page; null at the end'),
});
export const AuditVerificationAnswer = z.object({
  ok: z.boolean(),
  entries: z.number().int(),
  brokenAt: z.number().int().optional(),
  reason: z.string().optional().describe('what is wrong at brokenAt, in a sentence'),
  head: z
    .object({ seq: z.number().int(), hash: z.string() })
    .optional()
    .describe('the last entry of a chain that verifies: record it elsewhere and pass it back as anchor=seq:hash later'),
  anchors: z.number().int().optional().describe('how many anchors the chain was checked against'),
});
export const HealthAnswer = z.object({ status: z.literal('ok') });
/** `/readyz`: whether this server can serve now (its store answers); `reason` says why not, never with a secret in it. */
export const ReadinessAnswer = z.object({
  status: z.enum(['ready', 'unavailable']),
  reason: z.string().optional().describe('why not ready: starting, shutting down, or what the store answered (an error code, never a connection string)'),
});
export const MachineTransition = z.object({
  event: z.string(),
  target: z.string().nullable(),
  guard: z.string().nullable(),
  actions: z.array(z.string()),
});
export const MachineDefinition = z.object({
  id: z.string(),
  version: z.number().int(),
  initial: z.string(),
  states: z.array(
    z.object({
      name: z.string(),
      type: z.enum(['atomic', 'final']),
      tags: z.array(z.string()),
      invoke: z.array(z.object({ id: z.string(), src: z.string() })),
      transitions: z.array(MachineTransition),
    }),
  ),
});
export type MachineDefinition = z.infer<typeof MachineDefinition>;
