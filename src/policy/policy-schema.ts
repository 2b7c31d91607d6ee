import { z } from 'zod';
import { ACTION_TYPE_PATTERN } from '../model/action-type.ts';
import { AUTONOMY_LEVELS, AutonomyLevel } from '../model/autonomy.ts';
import { RISK_LEVELS, RiskLevel } from '../model/risk.ts';

const ActionTypeKey = z.string().regex(ACTION_TYPE_PATTERN, 'must look like category:action');
/** An agent or department name: at most 200 characters, as the HTTP API takes them. */
const Subject = z.string().min(1).max(200);

/**
 * Levels by agent or department. zod passes over a `__proto__` key without a word (it cannot be
 * copied into a plain object), so that agent's level would be silently dropped: refused by name.
 */
const LevelsByName = z
  .unknown()
  .superRefine((value, ctx) => {
    if (value !== null && typeof value === 'object' && Object.hasOwn(value, '__proto__')) {
      ctx.addIssue({ code: 'custom', path: ['__proto__'], message: 'reserved name: __proto__ cannot be an agent or department' });
    }
  })
  .pipe(z.record(Subject, AutonomyLevel));

const Seconds = z.number().int().min(1).max(365 * 24 * 3600);

/** What the decision table says for one risk × autonomy cell. */
export const TableOutcome = z.discriminatedUnion('outcome', [
  z.strictObject({ outcome: z.literal('auto') }),
  z.strictObject({ outcome: z.literal('human'), requiredApprovals: z.number().int().min(1).max(10) }),
  z.strictObject({ outcome: z.literal('deny') }),
]);
export type TableOutcome = z.infer<typeof TableOutcome>;

/** What happens when an approval of one risk tier reaches its deadline. */
export const TimeoutRule = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('wait') }),
  z.strictObject({ kind: z.literal('deny'), afterSeconds: Seconds }),
  z.strictObject({ kind: z.literal('approve'), afterSeconds: Seconds }),
  z.strictObject({
    kind: z.literal('escalate'),
    tiers: z.array(z.strictObject({ afterSeconds: Seconds, label: z.string().max(100).optional() })).min(1).max(10),
    onExhausted: z.enum(['deny', 'approve']),
  }),
]);
export type TimeoutRule = z.infer<typeof TimeoutRule>;

/**
 * How strict a table cell is: auto < human (more approvals stricter) < deny.
 * @example outcomeStrictness({ outcome: 'auto' }) // 0
 */
export function outcomeStrictness(cell: TableOutcome): number {
  return cell.outcome === 'auto' ? 0 : cell.outcome === 'human' ? cell.requiredApprovals : 100;
}

const row = z.strictObject(Object.fromEntries(AUTONOMY_LEVELS.map((level) => [level, TableOutcome])) as Record<(typeof AUTONOMY_LEVELS)[number], typeof TableOutcome>);

// The cross-field rules sit on the parts they read, not on the whole document: zod runs a
// part's refinement as soon as that part is well formed, so one `policy check` reports them
// beside any structural mistake elsewhere in the file, instead of only once those are fixed.

/** The decision table: autonomy only ever tightens a verdict, so down a row (full → locked) no cell may be looser. */
const DecisionTable = z
  .strictObject(Object.fromEntries(RISK_LEVELS.map((risk) => [risk, row])) as Record<(typeof RISK_LEVELS)[number], typeof row>)
  .superRefine((table, ctx) => {
    for (const risk of RISK_LEVELS) {
      const levels = [...AUTONOMY_LEVELS].reverse();
      for (const [index, level] of levels.entries()) {
        const higher = levels[index - 1];
        if (higher === undefined) continue;
        if (outcomeStrictness(table[risk][level]) < outcomeStrictness(table[risk][higher])) {
          ctx.addIssue({ code: 'custom', path: [risk, level], message: `less strict than at ${higher} autonomy (autonomy only ever tightens a verdict)` });
        }
      }
    }
  });

/** The timeout rules: nothing high or critical is ever approved by the clock. */
const Timeouts = z
  .strictObject(Object.fromEntries(RISK_LEVELS.map((risk) => [risk, TimeoutRule])) as Record<(typeof RISK_LEVELS)[number], typeof TimeoutRule>)
  .superRefine((timeouts, ctx) => {
    for (const risk of ['high', 'critical'] as const) {
      const rule = timeouts[risk];
      if (rule.kind === 'approve') {
        ctx.addIssue({ code: 'custom', path: [risk, 'kind'], message: `auto-approve on timeout is never allowed for ${risk} risk` });
      }
      if (rule.kind === 'escalate' && rule.onExhausted === 'approve') {
        ctx.addIssue({ code: 'custom', path: [risk, 'onExhausted'], message: `approve when escalation is exhausted is never allowed for ${risk} risk` });
      }
    }
  });

/** A policy document (JSON file): taxonomy, decision table, hard-deny list, autonomy, timeouts. */
export const Policy = z.strictObject({
  /** A human label; the policy's real version is the hash of its content. */
  version: z.string().max(100).optional(),
  actions: z.record(ActionTypeKey, RiskLevel),
  decisionTable: DecisionTable,
  hardDeny: z.array(ActionTypeKey),
  autonomy: z.strictObject({
    company: AutonomyLevel,
    departments: LevelsByName,
    agents: LevelsByName,
  }),
  timeouts: Timeouts,
  detectors: z.strictObject({ disabled: z.array(z.string()).optional() }).optional(),
});
export type Policy = z.infer<typeof Policy>;
