import type { Task } from '../api/types.ts';
import { visibleJson, visibleText } from '../../../src/util/visible-text.ts';

/** Lines beyond which an arguments box scrolls (its max-height): its size is then said above it. */
const ARGS_LINES_SHOWN = 12;
/** Characters beyond which an arguments box likely scrolls, however few its lines. */
const ARGS_CHARS_SHOWN = 1_500;

/** Arguments as shown to someone deciding: escaped JSON, and how long it is when the box cannot show it all. */
export interface ShownArguments {
  /** Indented JSON whose hidden characters are `\u` escapes (`visibleJson`): parses back to the arguments. */
  json: string;
  /** "303 lines, 6,871 characters — scroll the box to read them all.", or null when the box shows them all. */
  size: string | null;
}

/** What an approver reads before deciding: every text an agent or SecOps wrote, made visible. */
export interface RequestSummary {
  /** The full title (a card clamps it). */
  title: string;
  description: string | null;
  args: ShownArguments;
  /** SecOps' judgement; null when the task was never judged. */
  verdict: { decision: string; reason: string; matchedRules: string[] } | null;
  /** The reroute SecOps suggests (a force push's `--force-with-lease`), when it suggests one. */
  suggestion: { actionType: string; args: ShownArguments | null; title: string | null; reason: string | null } | null;
}

/**
 * Arguments as the page shows them: escaped JSON, with a size sentence when they are longer than
 * their box shows, so a part of them is not taken for all.
 * @example showArguments({ branch: 'main' }) // { json: '{\n  "branch": "main"\n}', size: null }
 */
export function showArguments(args: unknown): ShownArguments {
  const json = visibleJson(args);
  const lines = json.split('\n').length;
  const long = lines > ARGS_LINES_SHOWN || json.length > ARGS_CHARS_SHOWN;
  return { json, size: long ? `${lines.toLocaleString('en')} lines, ${json.length.toLocaleString('en')} characters — scroll the box to read them all.` : null };
}

/**
 * What a task asks, as an approver must see it before deciding: its full title, description,
 * arguments, SecOps' verdict reason and matched rules, and the reroute SecOps suggests. Every
 * text is escaped as the rest of the visualizer escapes it (`visibleText`, `visibleJson`).
 * @example summarizeRequest(task).args.json // '{\n  "cmd": "git push --force"\n}'
 */
export function summarizeRequest(task: Task): RequestSummary {
  const verdict = task.verdict;
  const suggested = verdict?.suggestedAlternative;
  return {
    title: visibleText(task.title),
    description: task.description ? visibleText(task.description, { prose: true }) : null,
    args: showArguments(task.args),
    verdict: verdict ? { decision: verdict.decision, reason: visibleText(verdict.reason), matchedRules: verdict.matchedRules.map((rule) => visibleText(rule)) } : null,
    suggestion: suggested
      ? {
          actionType: visibleText(suggested.actionType),
          args: suggested.args ? showArguments(suggested.args) : null,
          title: suggested.title ? visibleText(suggested.title) : null,
          reason: suggested.reason ? visibleText(suggested.reason) : null,
        }
      : null,
  };
}
