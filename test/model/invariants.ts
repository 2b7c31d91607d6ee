import { expect } from 'vitest';
import { decodeEnvelope } from '../../machines/envelope.ts';
import type { Store } from '../../src/store/store.ts';
import type { RecordingExecutor } from '../support/recording-executor.ts';

/**
 * The safety invariants, checked against what the store holds and what the executor saw:
 * - no task executed twice;
 * - nothing executed without an allow verdict or an approved approval (quorum of distinct
 *   approvers, bound to the task's argsHash and policyVersion);
 * - the audit chain verifies.
 * Returns every task's state and revision, so callers can check that terminal tasks never change.
 */
export async function assertSafety(store: Store, executor: RecordingExecutor): Promise<Map<string, { state: string; revision: number }>> {
  for (const [taskId, count] of executor.countsByTask()) {
    expect(count, `task ${taskId} executed ${count} times`).toBe(1);
  }
  const executed = new Set(executor.countsByTask().keys());
  const seen = new Map<string, { state: string; revision: number }>();
  let cursor: string | undefined;
  do {
    const page = await store.listTasks({ limit: 200, ...(cursor ? { cursor } : {}) });
    for (const record of page.items) {
      seen.set(record.id, { state: record.state, revision: record.revision });
      if (!executed.has(record.id)) continue;
      const { context } = decodeEnvelope(record.envelope);
      const verdict = context.verdict;
      expect(verdict, `task ${record.id} executed without a verdict`).not.toBeNull();
      if (verdict?.decision === 'allow') continue;
      expect(verdict?.decision, `task ${record.id} executed on a ${verdict?.decision} verdict`).toBe('escalate');
      const approval = record.approvalId ? await store.getApproval(record.approvalId) : null;
      expect(approval?.status, `task ${record.id} executed without an approved approval`).toBe('approved');
      if (!approval || !verdict) continue;
      expect(approval.argsHash).toBe(verdict.argsHash);
      expect(approval.policyVersion).toBe(verdict.policyVersion);
      const voters = new Set(approval.approvals.map((vote) => vote.by));
      const onTimeout = approval.decisionReason === 'approved on timeout';
      if (onTimeout) expect(['low', 'medium']).toContain(approval.riskLevel);
      else expect(voters.size, `task ${record.id} executed below quorum`).toBeGreaterThanOrEqual(approval.requiredApprovals);
      expect(voters.has(approval.requestedBy), 'self-approval').toBe(false);
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  for (const taskId of executed) expect(seen.has(taskId), `executed task ${taskId} is not in the store`).toBe(true);
  const audit = await store.verifyAudit();
  expect(audit.ok, `audit chain broken at ${audit.brokenAt}`).toBe(true);
  return seen;
}

/** Terminal tasks keep their state and revision forever. */
export function assertTerminalsUnchanged(
  before: Map<string, { state: string; revision: number }>,
  after: Map<string, { state: string; revision: number }>,
): void {
  const terminal = new Set(['completed', 'failed', 'denied', 'rerouted', 'expired', 'cancelled', 'quarantined']);
  for (const [taskId, old] of before) {
    if (!terminal.has(old.state)) continue;
    expect(after.get(taskId), `terminal task ${taskId} changed`).toEqual(old);
  }
}
