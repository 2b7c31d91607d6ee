import type { Policy } from './policy-schema.ts';
import { DEFAULT_ACTION_RISKS } from './taxonomy.ts';

const FOUR_HOURS = 4 * 3600;

/** The default policy of DESIGN.md: decision table, company autonomy `semi`, deny after 4 h. */
export const DEFAULT_POLICY: Policy = {
  version: 'default-1',
  actions: { ...DEFAULT_ACTION_RISKS },
  decisionTable: {
    low: { full: { outcome: 'auto' }, semi: { outcome: 'auto' }, supervised: { outcome: 'auto' }, locked: { outcome: 'human', requiredApprovals: 1 } },
    medium: {
      full: { outcome: 'auto' },
      semi: { outcome: 'auto' },
      supervised: { outcome: 'human', requiredApprovals: 1 },
      locked: { outcome: 'human', requiredApprovals: 1 },
    },
    high: {
      full: { outcome: 'auto' },
      semi: { outcome: 'human', requiredApprovals: 1 },
      supervised: { outcome: 'human', requiredApprovals: 1 },
      locked: { outcome: 'deny' },
    },
    critical: {
      full: { outcome: 'human', requiredApprovals: 2 },
      semi: { outcome: 'human', requiredApprovals: 2 },
      supervised: { outcome: 'human', requiredApprovals: 2 },
      locked: { outcome: 'deny' },
    },
  },
  hardDeny: [],
  autonomy: { company: 'semi', departments: {}, agents: {} },
  timeouts: {
    low: { kind: 'deny', afterSeconds: FOUR_HOURS },
    medium: { kind: 'deny', afterSeconds: FOUR_HOURS },
    high: { kind: 'deny', afterSeconds: FOUR_HOURS },
    critical: { kind: 'deny', afterSeconds: FOUR_HOURS },
  },
};
