import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { policyRuntime } from '../../src/engine/default-policy-runtime.ts';
import { createEngine } from '../../src/engine/engine.ts';
import { WITHHELD_ARGS } from '../../src/model/verdict.ts';
import { DEFAULT_POLICY } from '../../src/policy/default-policy.ts';
import { compilePolicy } from '../../src/policy/evaluate.ts';
import { openSqliteStore } from '../../src/store/sqlite.ts';

// A task denied because its arguments held a credential must not become the place where the
// credential lives on: every reader of the task, the visualizer and a copy of the database would see it.

const KEY = `-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n-----END OPENSSH PRIVATE KEY-----`;
const TOKEN = 'ghp_0123456789abcdefghijABCDEFGHIJ0123456789';
const dir = mkdtempSync(join(tmpdir(), 'tollgate-withheld-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('arguments that hold a credential', () => {
  it('are denied and not kept: the task, its verdict, the store file and the audit hold no trace of them', async () => {
    const path = join(dir, 'withheld.db');
    const store = await openSqliteStore({ path, writer: 'inline' });
    const engine = createEngine({ store });
    const { task } = await engine.submit({ actionType: 'vcs:push', title: 'push with a deploy key', args: { branch: 'main', sshKey: KEY, note: `token ${TOKEN}` }, agentId: 'agent-7' });
    expect(task.state).toBe('denied');
    expect(task.verdict).toMatchObject({ decision: 'deny', matchedRules: expect.arrayContaining(['detector:private-key']) });
    expect(task.args).toEqual(WITHHELD_ARGS);
    expect((await engine.get(task.id)).args).toEqual(WITHHELD_ARGS);
    const audit = JSON.stringify(await store.readAudit({ taskId: task.id }));
    await engine.close();
    await store.close();
    const bytes = ['', '-wal'].map((suffix) => { try { return readFileSync(path + suffix).toString('latin1'); } catch { return ''; } }).join('');
    // What the task does keep is found there: the scan reads the store's data, not an empty or wrong file.
    expect(bytes).toContain('push with a deploy key');
    expect(audit).toContain(task.id);
    for (const secret of ['BEGIN OPENSSH PRIVATE KEY', 'b3BlbnNzaC1rZXktdjEA', TOKEN]) {
      expect(bytes.includes(secret), secret).toBe(false);
      expect(audit.includes(secret), secret).toBe(false);
    }
  });

  it('are withheld on every way to a deny: a hard-denied action, a detector that throws, a failed evaluation (found by a security trial)', async () => {
    const args = { token: 'AKIAZZZZYYYYXXXXWWWW', note: 'fire them' };
    const hardDenied = compilePolicy({ ...DEFAULT_POLICY, hardDeny: ['org:fire'] }).evaluate({ actionType: 'org:fire', args, agentId: 'a' });
    expect([hardDenied.decision, hardDenied.matchedRules, hardDenied.argsWithheld]).toEqual(['deny', ['hard-deny:org:fire'], true]);
    // A detector that throws before the secrets detector has run: nobody knows, so they are withheld.
    const throwing = { id: 'broken', detect: () => { throw new Error('boom'); } };
    const failed = compilePolicy(DEFAULT_POLICY, [throwing]).evaluate({ actionType: 'code:read', args, agentId: 'a' });
    expect([failed.decision, failed.argsWithheld]).toEqual(['deny', undefined]);
    const { secrets } = await import('../../src/policy/detectors/secrets.ts');
    const failedFirst = compilePolicy(DEFAULT_POLICY, [throwing, secrets]).evaluate({ actionType: 'code:read', args, agentId: 'a' });
    expect([failedFirst.decision, failedFirst.argsWithheld]).toEqual(['deny', true]);
    // Through the engine: the hard-denied task keeps none of it.
    const store = await openSqliteStore({ path: join(dir, 'hard-deny.db') });
    const engine = createEngine({ store, policy: policyRuntime({ ...DEFAULT_POLICY, hardDeny: ['org:fire'] }) });
    try {
      const { task } = await engine.submit({ actionType: 'org:fire', title: 'fire', args, agentId: 'agent-7' });
      expect([task.state, task.args]).toEqual(['denied', WITHHELD_ARGS]);
      expect(JSON.stringify(await store.readAudit({ taskId: task.id }))).not.toContain('AKIAZZZZ');
    } finally {
      await engine.close();
      await store.close();
    }
  });

  it('an ordinary denial or escalation keeps its arguments, for the humans who judge it', () => {
    const policy = compilePolicy(DEFAULT_POLICY);
    const destructive = policy.evaluate({ actionType: 'db:mutate', args: { sql: 'DROP DATABASE prod' }, agentId: 'a' });
    expect(destructive.decision).toBe('deny');
    expect(destructive.argsWithheld).toBeUndefined();
    const push = policy.evaluate({ actionType: 'vcs:push', args: { branch: 'main' }, agentId: 'a' });
    expect(push.argsWithheld).toBeUndefined();
  });
});
