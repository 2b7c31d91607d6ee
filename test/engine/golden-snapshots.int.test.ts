import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeEnvelope } from '../../machines/envelope.ts';
import { TASK_MACHINE_VERSION } from '../../machines/version.ts';
import type { Approval } from '../../src/model/approval.ts';
import type { Principal } from '../../src/model/principal.ts';
import type { TaskState } from '../../src/model/task-state.ts';
import { EngineHarness } from '../support/engine-harness.ts';
import { RecordingExecutor } from '../support/recording-executor.ts';

interface Fixture {
  file: string;
  version: string;
  description: string;
  taskId: string;
  state: TaskState;
  envelope: { machineVersion: number; snapshot: { context: { approval: Approval | null; proposal: { agentId: string; actionType: string; title: string } } } };
}

const ROOT = join(import.meta.dirname, '..', 'fixtures', 'snapshots');
const fixtures: Fixture[] = readdirSync(ROOT).flatMap((version) =>
  readdirSync(join(ROOT, version)).map((file) => ({ file, version, ...JSON.parse(readFileSync(join(ROOT, version, file), 'utf8')) })),
);

const approver = (id: string): Principal => ({ id, roles: ['approver'], maxRisk: 'critical' });

/** Puts a fixture into the store exactly as an older Tollgate would have left it. */
async function plant(harness: EngineHarness, fixture: Fixture): Promise<void> {
  const { context } = fixture.envelope.snapshot;
  await harness.store.commit({
    task: {
      id: fixture.taskId,
      state: fixture.state,
      actionType: context.proposal.actionType,
      title: context.proposal.title,
      agentId: context.proposal.agentId,
      department: 'engineering',
      riskLevel: context.approval?.riskLevel ?? null,
      approvalId: context.approval?.id ?? null,
      parentTaskId: null,
      idempotencyKey: null,
      revision: 1,
      envelope: JSON.stringify(fixture.envelope),
      history: [],
      quarantineReason: null,
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
    },
    expectedRevision: null,
    ...(context.approval ? { approval: context.approval } : {}),
    events: [],
  });
}

describe('golden snapshots of every released machine version restore and run to the end', () => {
  let harness: EngineHarness;
  afterEach(async () => {
    await harness?.close();
  });

  it('has fixtures for v1', () => {
    expect(fixtures.filter((f) => f.version === 'v1').length).toBeGreaterThanOrEqual(5);
  });

  it('has fixtures for every released machine version up to the current one, each in its version\'s folder', () => {
    // A version bump without its fixtures (version.ts asks for them) would otherwise restore nothing of it.
    const versions = Array.from({ length: TASK_MACHINE_VERSION }, (_, i) => `v${i + 1}`);
    expect([...new Set(fixtures.map((f) => f.version))].sort()).toEqual(versions.sort());
    for (const version of versions) expect(fixtures.filter((f) => f.version === version).length, version).toBeGreaterThan(0);
    for (const fixture of fixtures) expect(`v${fixture.envelope.machineVersion}`, `${fixture.version}/${fixture.file}`).toBe(fixture.version);
  });

  it.each(fixtures.map((f) => [`${f.version}/${f.file}`, f] as const))('%s', async (_name, fixture) => {
    expect(() => decodeEnvelope(JSON.stringify(fixture.envelope))).not.toThrow();
    harness = await EngineHarness.open({ executor: new RecordingExecutor({ idempotent: true }) });
    await plant(harness, fixture);
    const approval = fixture.envelope.snapshot.context.approval;
    if (fixture.state === 'executing') {
      await harness.restart(); // recovery continues the interrupted execution
      expect((await harness.engine.get(fixture.taskId)).state).toBe('completed');
      expect(harness.executor.calls.map((c) => c.idempotencyKey)).toEqual([fixture.taskId]);
      return;
    }
    expect(approval?.status).toBe('pending');
    if (approval?.onTimeout === 'approve') {
      harness.clock.set(Date.parse(approval.expiresAt as string));
      expect(await harness.engine.expireDue()).toBe(1);
    } else if (approval?.onTimeout === 'escalate' || approval?.escalationTier) {
      harness.clock.set(Date.parse(approval.expiresAt as string));
      await harness.engine.expireDue();
      const escalated = await harness.engine.getApproval(approval.id);
      expect(escalated.escalationTier).toBe(approval.escalationTier + 1);
      await harness.engine.decide(approval.id, { kind: 'approve' }, approver('carol'));
    } else {
      const voted = new Set(approval?.approvals.map((v) => v.by));
      for (const id of ['alice', 'bob']) {
        if (voted.has(id)) continue;
        const result = await harness.engine.decide(approval?.id as string, { kind: 'approve' }, approver(id));
        if (result.approval.status === 'approved') break;
      }
    }
    const task = await harness.engine.get(fixture.taskId);
    expect(task.state).toBe('completed');
    expect(harness.executor.calls).toHaveLength(1);
  });

  it('quarantines a task whose snapshot is corrupt or of an unknown version, and the others go on', async () => {
    harness = await EngineHarness.open();
    const [good, corrupt, future] = fixtures.filter((f) => f.state === 'parked' && f.envelope.snapshot.context.approval?.requiredApprovals === 1);
    if (!good || !corrupt || !future) throw new Error('need three single-approval parked fixtures');
    await plant(harness, good);
    await plant(harness, { ...corrupt, envelope: { ...corrupt.envelope, snapshot: { ...corrupt.envelope.snapshot, value: 'nonexistentState' } as never } });
    await plant(harness, { ...future, envelope: { ...future.envelope, machineVersion: 99 } });
    for (const bad of [corrupt, future]) {
      const approvalId = bad.envelope.snapshot.context.approval?.id as string;
      await expect(harness.engine.decide(approvalId, { kind: 'approve' }, approver('alice'))).rejects.toMatchObject({ code: 'invalid_transition' });
      const task = await harness.engine.get(bad.taskId);
      expect(task.state).toBe('quarantined');
      expect(task.error?.message).toMatch(bad === future ? /machine version 99/ : /snapshot is invalid/);
      expect((await harness.engine.getApproval(approvalId)).status).toBe('cancelled');
      const audit = await harness.store.readAudit({ taskId: bad.taskId });
      expect(audit.at(-1)?.action).toBe('task.quarantined');
    }
    const ok = await harness.engine.decide(good.envelope.snapshot.context.approval?.id as string, { kind: 'approve' }, approver('alice'));
    expect(ok.task.state).toBe('completed');
    expect((await harness.store.verifyAudit()).ok).toBe(true);
  });
});
