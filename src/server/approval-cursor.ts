import { z } from 'zod';
import { ValidationError } from '../errors.ts';
import { ActionType } from '../model/action-type.ts';
import { ApprovalStatus } from '../model/approval.ts';
import { ApprovalOrder, ApprovalPosition, positionOf } from '../model/approval-order.ts';
import { RiskLevel } from '../model/risk.ts';
import { MAX_CURSOR_LENGTH } from './schemas.ts';

/** What a listing of approvals is filtered and ordered by: a cursor belongs to exactly one. */
export interface ApprovalListing {
  order: ApprovalOrder;
  status?: ApprovalStatus | undefined;
  riskLevel?: RiskLevel | undefined;
  riskAtMost?: RiskLevel | undefined;
  actionType?: string | undefined;
}

const CursorBody = z.strictObject({
  v: z.literal(1),
  order: ApprovalOrder,
  status: ApprovalStatus.optional(),
  riskLevel: RiskLevel.optional(),
  riskAtMost: RiskLevel.optional(),
  actionType: ActionType.optional(),
  after: ApprovalPosition,
});

/**
 * The `nextCursor` of a page of approvals: the position of its last approval, with the order
 * and filters of the listing (base64url JSON; opaque to clients, not signed: it names a place in
 * a list the caller may read anyway). Keyset paging: the next page starts right after that
 * approval, whatever was filed or decided in between. No approval is skipped because the queue
 * moved. In `newest` order none is shown twice either; in `urgency` order one whose deadline
 * moved later after it was shown (an escalation) comes again further on — clients de-duplicate
 * by id. On the indexed listings (pending, either order) a deep page costs what the first does.
 * @example const nextCursor = encodeApprovalCursor({ order: 'urgency', status: 'pending' }, page.items.at(-1));
 */
export function encodeApprovalCursor(listing: ApprovalListing, last: ApprovalPosition): string {
  const body: z.infer<typeof CursorBody> = { v: 1, order: listing.order, after: positionOf(last) };
  if (listing.status !== undefined) body.status = listing.status;
  if (listing.riskLevel !== undefined) body.riskLevel = listing.riskLevel;
  if (listing.riskAtMost !== undefined) body.riskAtMost = listing.riskAtMost;
  if (listing.actionType !== undefined) body.actionType = listing.actionType;
  return Buffer.from(JSON.stringify(body)).toString('base64url');
}

/**
 * Reads a `cursor` back into the position to list after, checking its shape and that it was
 * written for this very listing (a cursor of another order or other filters would start at a
 * meaningless place).
 * @throws ValidationError (`cursor`) for a malformed cursor, or one of another listing
 * @example const after = decodeApprovalCursor(query.cursor, query);
 */
export function decodeApprovalCursor(cursor: string, listing: ApprovalListing): ApprovalPosition {
  const unreadable = () => new ValidationError('invalid query: cursor: not a cursor this server gave out (pass a page\'s nextCursor as it is)', [{ path: 'cursor', message: 'not a cursor of this API' }]);
  if (cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw unreadable();
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw unreadable();
  }
  const parsed = CursorBody.safeParse(raw);
  if (!parsed.success) throw unreadable();
  const body = parsed.data;
  const differs = (['order', 'status', 'riskLevel', 'riskAtMost', 'actionType'] as const).filter((key) => body[key] !== listing[key]);
  if (differs.length > 0) {
    throw new ValidationError(`invalid query: cursor: it belongs to a listing with another ${differs.join(', ')}; keep the query of the first page and change only the cursor`, [
      { path: 'cursor', message: `written for another ${differs.join(', ')}` },
    ]);
  }
  // Under a risk filter every approval listed has that risk, so the last one shown did too.
  if (body.riskLevel !== undefined && body.after.riskLevel !== body.riskLevel) throw unreadable();
  return body.after;
}
