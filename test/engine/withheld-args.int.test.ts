import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
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
    for (const secret of ['BEGIN OPENSSH PRIVATE KEY', 'b3BlbnNzaC1rZXktdjEA', TOKEN]) {
      expect(bytes.includes(secret), secret).toBe(false);
      expect(audit.includes(secret), secret).toBe(false);
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
