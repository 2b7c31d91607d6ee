import type { Command } from 'commander';
import { z } from 'zod';
import { parseInput } from '../../engine/validate.ts';
import { ActionType } from '../../model/action-type.ts';
import { ApprovalStatus, ApprovalView } from '../../model/approval.ts';
import { ApprovalOrder } from '../../model/approval-order.ts';
import { RiskLevel } from '../../model/risk.ts';
import { Task } from '../../model/task.ts';
import { ApprovalPage, DecisionAnswer, IdParam, MAX_CURSOR_LENGTH } from '../../server/schemas.ts';
import { clientFrom, withConnection } from '../http-client.ts';
import { jsonObjectOption } from '../json-option.ts';
import { formatFields, formatTable, writeOut } from '../output.ts';

const Connection = { url: z.string().optional(), token: z.string().optional(), json: z.boolean().optional() };
const ListOptions = z.strictObject({
  ...Connection,
  status: ApprovalStatus.optional(),
  risk: RiskLevel.optional(),
  actionType: ActionType.optional(),
  order: ApprovalOrder.optional(),
  offset: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
  cursor: z.string().max(MAX_CURSOR_LENGTH).optional(),
});
const ShowOptions = z.strictObject(Connection);
const ApproveOptions = z.strictObject({ ...Connection, comment: z.string().max(2_000).optional() });
const RejectOptions = z.strictObject({ ...Connection, reason: z.string().trim().min(1).max(2_000) });
const RerouteOptions = z.strictObject({
  ...Connection,
  reason: z.string().trim().min(1).max(2_000),
  actionType: ActionType,
  title: z.string().min(1).max(500).optional(),
  args: z.string().optional(),
});

/**
 * `tollgate approvals ls|show|approve|reject|reroute`: the human queue on a running server.
 * @example registerApprovalCommands(program); // tollgate approvals reject ID --reason 'not now'
 */
export function registerApprovalCommands(program: Command): void {
  const approvals = program.command('approvals').description('the approval queue on a running server (--url, --token or TOLLGATE_URL, TOLLGATE_TOKEN)');
  withConnection(approvals.command('ls').description('list approvals, newest first (--order urgency: the queue in working order)'))
    .option('--status <status>', 'pending, approved, rejected, expired or cancelled')
    .option('--order <order>', 'newest (default) or urgency: highest risk, then nearest deadline, then oldest')
    .option('--risk <level>', 'low, medium, high or critical')
    .option('--action-type <type>', 'e.g. vcs:push')
    .option('--offset <n>', 'skip this many')
    .option('--limit <n>', 'at most this many (1-200, default 50)')
    .option('--cursor <cursor>', 'the next page (printed under the table; same filters and order)')
    .action(async (raw: Record<string, unknown>) => {
      const options = parseInput(ListOptions, raw, 'options');
      const page = await clientFrom(options).get('/api/v1/approvals', ApprovalPage, {
        status: options.status,
        riskLevel: options.risk,
        actionType: options.actionType,
        order: options.order,
        offset: options.offset,
        limit: options.limit,
        cursor: options.cursor,
      });
      if (options.json) return writeOut(`${JSON.stringify(page, null, 2)}\n`);
      writeOut(formatTable(['id', 'status', 'risk', 'votes', 'action', 'requested by', 'title', 'expires'], page.items.map(approvalRow)));
      writeOut(options.cursor ? `${page.items.length} of ${page.total}\n` : `${page.items.length} of ${page.total} (offset ${page.offset})\n`);
      if (page.nextCursor) writeOut(`more: --cursor ${page.nextCursor}\n`);
    });
  withConnection(approvals.command('show').argument('<id>', 'approval id').description('an approval'))
    .action(async (id: string, raw: Record<string, unknown>) => {
      const options = parseInput(ShowOptions, raw, 'options');
      const client = clientFrom(options);
      const approval = await client.get(approvalPath(id), ApprovalView);
      if (options.json) return writeOut(`${JSON.stringify(approval, null, 2)}\n`);
      // What is being approved: the task's arguments and SecOps' reasons, not only its title.
      const task = await client.get(`/api/v1/tasks/${encodeURIComponent(approval.taskId)}`, Task);
      writeOut(describeApproval(approval, task));
    });
  withConnection(approvals.command('approve').argument('<id>', 'approval id').description('vote to approve (you are the token)'))
    .option('--comment <text>', 'a note for the audit log')
    .action(async (id: string, raw: Record<string, unknown>) => {
      const options = parseInput(ApproveOptions, raw, 'options');
      const body = options.comment !== undefined ? { comment: options.comment } : {};
      printDecision(await clientFrom(options).post(`${approvalPath(id)}/approve`, body, DecisionAnswer), options.json);
    });
  withConnection(approvals.command('reject').argument('<id>', 'approval id').description('reject: the task is denied'))
    .requiredOption('--reason <text>', 'why (required)')
    .action(async (id: string, raw: Record<string, unknown>) => {
      const options = parseInput(RejectOptions, raw, 'options');
      printDecision(await clientFrom(options).post(`${approvalPath(id)}/reject`, { reason: options.reason }, DecisionAnswer), options.json);
    });
  withConnection(approvals.command('reroute').argument('<id>', 'approval id').description('reroute: run an alternative action instead'))
    .requiredOption('--reason <text>', 'why (required)')
    .requiredOption('--action-type <type>', 'the alternative action, e.g. deploy:staging')
    .option('--title <text>', "the alternative's title")
    .option('--args <json>', "the alternative's arguments, a JSON object")
    .action(async (id: string, raw: Record<string, unknown>) => {
      const options = parseInput(RerouteOptions, raw, 'options');
      const alternative = {
        actionType: options.actionType,
        ...(options.title ? { title: options.title } : {}),
        ...(options.args ? { args: jsonObjectOption(options.args, '--args') } : {}),
      };
      printDecision(await clientFrom(options).post(`${approvalPath(id)}/reroute`, { reason: options.reason, alternative }, DecisionAnswer), options.json);
    });
}

function approvalPath(id: string): string {
  return `/api/v1/approvals/${encodeURIComponent(parseInput(IdParam, id, 'approval id'))}`;
}

function approvalRow(approval: ApprovalView): string[] {
  return [
    approval.id,
    approval.status,
    approval.riskLevel,
    `${approval.approvals.length}/${approval.requiredApprovals}`,
    approval.actionType,
    approval.requestedBy,
    approval.title.length > 40 ? `${approval.title.slice(0, 39)}…` : approval.title,
    approval.expiresAt ?? 'never',
  ];
}

/**
 * An approval as lines of `field: value`; with its task, also what is being approved (the
 * arguments, the description, SecOps' reasons).
 * @example writeOut(describeApproval(approval));
 */
export function describeApproval(approval: ApprovalView, task?: Task): string {
  const fields: [string, string][] = [
    ['id', approval.id],
    ['task', approval.taskId],
    ['status', approval.status],
    ['action', approval.actionType],
    ['title', approval.title],
    ['requested by', approval.requestedBy],
    ['risk', approval.riskLevel],
    ['votes', `${approval.approvals.length}/${approval.requiredApprovals} ${approval.approvals.map((vote) => (vote.comment ? `${vote.by} (${JSON.stringify(vote.comment)})` : vote.by)).join(', ')}`.trim()],
    ['expires', approval.expiresAt ?? 'never'],
    ['decided', approval.decidedAt ? `${approval.decidedAt} by ${approval.decidedBy ?? '-'}` : '-'],
  ];
  if (approval.decisionReason) fields.push(['reason', approval.decisionReason]);
  if (task) {
    if (task.description) fields.push(['description', task.description]);
    if (task.department) fields.push(['department', task.department]);
    fields.push(['args', JSON.stringify(task.args)]);
    if (task.verdict) fields.push(['secops', `${task.verdict.reason} (${task.verdict.matchedRules.join(', ') || 'no rule'})`]);
    const suggested = task.verdict?.suggestedAlternative;
    if (suggested) {
      fields.push([
        'suggested',
        `reroute to ${suggested.actionType} ${JSON.stringify(suggested.args ?? {})}: tollgate approvals reroute ${approval.id} --action-type ${suggested.actionType} --args ${shellQuoted(JSON.stringify(suggested.args ?? {}))} --reason …`,
      ]);
    }
  }
  return formatFields(fields);
}

function printDecision(result: z.infer<typeof DecisionAnswer>, json: boolean | undefined): void {
  if (json) {
    writeOut(`${JSON.stringify(result, null, 2)}\n`);
    return;
  }
  const { approval, task, alternativeTask } = result;
  writeOut(`approval ${approval.id} is ${approval.status} (${approval.approvals.length}/${approval.requiredApprovals} votes); task ${task.id} is ${task.state}\n`);
  if (alternativeTask) writeOut(`alternative task ${alternativeTask.id} (${alternativeTask.actionType}) is ${alternativeTask.state}\n`);
}

/** `text` as one POSIX shell word: single-quoted, each `'` written `'\''`. */
function shellQuoted(text: string): string {
  return `'${text.replaceAll("'", "'\\''")}'`;
}
