import { z } from 'zod';
import { ActionType } from '../model/action-type.ts';
import { ApprovalStatus } from '../model/approval.ts';
import { ApprovalOrder, ApprovalPosition } from '../model/approval-order.ts';
import { RiskLevel } from '../model/risk.ts';
import { TaskState } from '../model/task-state.ts';
import { plainText } from '../model/text.ts';

/** The most items one call lists (the HTTP API caps pages lower, at 200). */
export const MAX_LIST = 1_000;
/** How many items a list answers when the caller does not say. */
export const DEFAULT_LIST = 50;

/** `engine.listApprovals`' query as an embedder passes it: filters, order, and a page (offset/limit default 0/50). */
export const ApprovalListQuery = z.strictObject({
  status: ApprovalStatus.optional(),
  riskLevel: RiskLevel.optional(),
  riskAtMost: RiskLevel.optional(),
  actionType: ActionType.optional(),
  order: ApprovalOrder.optional(),
  after: ApprovalPosition.optional(),
  offset: z.number().int().min(0).default(0),
  limit: z.number().int().min(1).max(MAX_LIST).default(DEFAULT_LIST),
});
export type ApprovalListQuery = z.input<typeof ApprovalListQuery>;

/** `engine.list`' query: a state, a page size (default 50), the cursor of the page before. */
export const TaskListQuery = z.strictObject({
  state: TaskState.optional(),
  limit: z.number().int().min(1).max(MAX_LIST).default(DEFAULT_LIST),
  cursor: plainText(1, 200).optional(),
});
export type TaskListQuery = z.input<typeof TaskListQuery>;
