import type { Command } from 'commander';
import { z } from 'zod';
import { parseInput } from '../../engine/validate.ts';
import type { Task } from '../../model/task.ts';
import { TaskState } from '../../model/task-state.ts';
import { Task as TaskSchema } from '../../model/task.ts';
import { DEFAULT_WAIT_MS, IdParam, MAX_WAIT_MS, TaskAnswer, TaskPage, TaskSubmission } from '../../server/schemas.ts';
import { type ApiClient, clientFrom, withConnection } from '../http-client.ts';
import { jsonObjectOption } from '../json-option.ts';
import { formatFields, formatTable, writeErr, writeOut } from '../output.ts';

const Connection = { url: z.string().optional(), token: z.string().optional(), json: z.boolean().optional() };
const ListOptions = z.strictObject({
  ...Connection,
  state: TaskState.optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
  cursor: z.string().max(200).optional(),
});
const ShowOptions = z.strictObject(Connection);
const CancelOptions = z.strictObject({ ...Connection, reason: z.string().min(1).max(2_000).optional() });
const WaitOptions = z.strictObject({ ...Connection, timeoutMs: z.coerce.number().int().min(0).max(MAX_WAIT_MS).optional() });
const ProposeOptions = z.strictObject({
  ...Connection,
  actionType: z.string(),
  title: z.string(),
  args: z.string().optional(),
  description: z.string().optional(),
  department: z.string().optional(),
  idempotencyKey: z.string().optional(),
  ttlSeconds: z.coerce.number().optional(),
  waitMs: z.coerce.number().int().min(0).max(MAX_WAIT_MS).optional(),
});
/** `tasks wait`'s exit code when the task is still parked at the timeout (1 and 2 are errors). */
export const WAIT_TIMED_OUT = 3;
/** `tasks propose`'s exit code when the action will not run: the task ended without completing (denied, rerouted, failed, …). */
export const NOT_CLEARED = 4;

/**
 * `tollgate tasks propose|ls|show|wait|cancel`: tasks on a running server.
 * @example registerTaskCommands(program); // tollgate tasks ls --state parked --json
 */
export function registerTaskCommands(program: Command): void {
  const tasks = program.command('tasks').description('tasks on a running server (--url, --token or TOLLGATE_URL, TOLLGATE_TOKEN)');
  withConnection(tasks.command('propose').description('propose an action (as the agent of the token); exit 0 once it ran, 3 while parked, 4 when it will not run'))
    .requiredOption('--action-type <type>', 'category:action, e.g. vcs:push')
    .requiredOption('--title <text>', 'what the agent wants to do, for the approver')
    .option('--args <json>', 'its arguments, a JSON object')
    .option('--description <text>', 'more words for the approver')
    .option('--department <name>', 'the agent\'s department, if its token allows')
    .option('--idempotency-key <key>', 'a retry with the same key answers the first task instead of proposing again')
    .option('--ttl-seconds <n>', 'the request lapses (denied) after this long, if the policy has not ended it sooner')
    .option('--wait-ms <ms>', 'when it is parked, wait this long for a decision (0-60000)')
    .action(async (raw: Record<string, unknown>) => {
      const options = parseInput(ProposeOptions, raw, 'options');
      const proposal = parseInput(
        TaskSubmission,
        {
          actionType: options.actionType,
          title: options.title,
          ...(options.args !== undefined ? { args: jsonObjectOption(options.args, '--args') } : {}),
          ...(options.description !== undefined ? { description: options.description } : {}),
          ...(options.department !== undefined ? { department: options.department } : {}),
          ...(options.idempotencyKey !== undefined ? { idempotencyKey: options.idempotencyKey } : {}),
          ...(options.ttlSeconds !== undefined ? { ttlSeconds: options.ttlSeconds } : {}),
        },
        'proposal',
      );
      const client = clientFrom(options);
      let { task } = await client.post('/api/v1/tasks', proposal, TaskAnswer);
      if (task.state === 'parked' && options.waitMs) task = await waitFor(client, task.id, options.waitMs);
      writeOut(options.json ? `${JSON.stringify({ task }, null, 2)}\n` : describeTask(task));
      // What a script needs to know: may the agent go on (0), is a human still to decide (3), or not (4);
      // and, on stderr as tasks wait does, the sentence a person at a terminal reads.
      if (task.state === 'parked') {
        writeErr(`tollgate: task ${task.id} is parked: it waits for a human decision (approval ${task.approvalId}); tollgate tasks wait ${task.id} waits for it\n`);
        process.exitCode = WAIT_TIMED_OUT;
      } else if (task.state !== 'completed') {
        writeErr(`tollgate: task ${task.id} will not run: ${whyNotRun(task)}\n`);
        process.exitCode = NOT_CLEARED;
      }
    });
  withConnection(tasks.command('ls').description('list tasks, newest first'))
    .option('--state <state>', 'only tasks in this state')
    .option('--limit <n>', 'at most this many (1-200, default 50)')
    .option('--cursor <cursor>', 'the next page (printed under the table)')
    .action(async (raw: Record<string, unknown>) => {
      const options = parseInput(ListOptions, raw, 'options');
      const page = await clientFrom(options).get('/api/v1/tasks', TaskPage, { state: options.state, limit: options.limit, cursor: options.cursor });
      if (options.json) return writeOut(`${JSON.stringify(page, null, 2)}\n`);
      writeOut(formatTable(['id', 'state', 'action', 'risk', 'agent', 'title', 'created'], page.items.map(taskRow)));
      if (page.nextCursor) writeOut(`more: --cursor ${page.nextCursor}\n`);
    });
  withConnection(tasks.command('show').argument('<id>', 'task id').description('a task with its history'))
    .action(async (id: string, raw: Record<string, unknown>) => {
      const options = parseInput(ShowOptions, raw, 'options');
      const task = await clientFrom(options).get(`/api/v1/tasks/${encodeURIComponent(parseInput(IdParam, id, 'task id'))}`, TaskSchema);
      writeOut(options.json ? `${JSON.stringify(task, null, 2)}\n` : describeTask(task));
    });
  withConnection(tasks.command('wait').argument('<id>', 'task id').description('wait until a task is no longer parked'))
    .option('--timeout-ms <ms>', 'give up after this long (0-60000, default 30000); still parked then: exit code 3')
    .action(async (id: string, raw: Record<string, unknown>) => {
      const options = parseInput(WaitOptions, raw, 'options');
      const task = await waitFor(clientFrom(options), parseInput(IdParam, id, 'task id'), options.timeoutMs);
      writeOut(options.json ? `${JSON.stringify(task, null, 2)}\n` : describeTask(task));
      // Still parked: the wait timed out, which a script must be able to tell from a decision.
      if (task.state === 'parked') {
        writeErr(`tollgate: task ${task.id} is still parked after ${options.timeoutMs ?? DEFAULT_WAIT_MS} ms\n`);
        process.exitCode = WAIT_TIMED_OUT;
      }
    });
  withConnection(tasks.command('cancel').argument('<id>', 'task id').description('cancel a parked task (its agent, or an admin)'))
    .option('--reason <text>', 'why, for the audit log')
    .action(async (id: string, raw: Record<string, unknown>) => {
      const options = parseInput(CancelOptions, raw, 'options');
      const path = `/api/v1/tasks/${encodeURIComponent(parseInput(IdParam, id, 'task id'))}/cancel`;
      const { task } = await clientFrom(options).post(path, options.reason ? { reason: options.reason } : {}, TaskAnswer);
      writeOut(options.json ? `${JSON.stringify({ task }, null, 2)}\n` : `task ${task.id} is ${task.state}\n`);
    });
}

/** The task once it is no longer parked, or as it is after `timeoutMs` (the server's default when undefined). */
function waitFor(client: ApiClient, taskId: string, timeoutMs: number | undefined): Promise<Task> {
  return client.get(`/api/v1/tasks/${encodeURIComponent(taskId)}/wait`, TaskSchema, { timeoutMs });
}

function taskRow(task: Task): string[] {
  return [task.id, task.state, task.actionType, task.riskLevel ?? '-', task.agentId, clip(task.title, 40), task.createdAt];
}

/**
 * A task as lines of `field: value`, then its history as a table.
 * @example writeOut(describeTask(task));
 */
export function describeTask(task: Task): string {
  const fields: [string, string][] = [
    ['id', task.id],
    ['state', task.state],
    ['action', task.actionType],
    ['title', task.title],
    ['agent', task.agentId],
    ['risk', task.riskLevel ?? '-'],
    ['verdict', task.verdict ? `${task.verdict.decision}: ${task.verdict.reason}` : '-'],
    ['approval', task.approvalId ?? '-'],
    ['args', JSON.stringify(task.args)],
  ];
  if (task.alternative) fields.push(['alternative', `${task.alternative.actionType} (task ${task.alternativeTaskId ?? '-'})`]);
  if (task.result !== null) fields.push(['result', JSON.stringify(task.result)]);
  if (task.error) fields.push(['error', `${task.error.code}: ${task.error.message}`]);
  fields.push(['created', task.createdAt], ['updated', task.updatedAt]);
  const history = task.history?.length
    ? `\n${formatTable(['at', 'from', 'to', 'event'], task.history.map((step) => [step.at, step.from ?? '-', step.to, step.event]))}`
    : '';
  return `${formatFields(fields)}${history}`;
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Why a proposed task ended without running, in a few words: its state, and the error's or the verdict's reason. */
function whyNotRun(task: Task): string {
  const reason = task.error?.message ?? task.verdict?.reason;
  return `${task.state === 'failed' ? 'it failed' : `it was ${task.state}`}${reason ? ` (${reason})` : ''}`;
}
