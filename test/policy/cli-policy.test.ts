import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/engine.ts';
import { Verdict } from '../../src/model/verdict.ts';
import { DEFAULT_POLICY } from '../../src/policy/default-policy.ts';
import { policyVersion } from '../../src/policy/load-policy.ts';
import type { Policy } from '../../src/policy/policy-schema.ts';
import { openSqliteStore } from '../../src/store/sqlite.ts';
import { tollgateStd } from '../server/support/run-main.ts';

/** Runs `tollgate …` in-process and captures what it prints and its exit code. */
const cli = tollgateStd;

const dir = mkdtempSync(join(tmpdir(), 'tollgate-cli-policy-'));
const file = (name: string, content: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
};
const variant = (change: (policy: Policy) => void): Policy => {
  const policy = structuredClone(DEFAULT_POLICY);
  change(policy);
  return policy;
};

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('tollgate policy check', () => {
  it('prints the version hash and a summary of a valid policy (exit 0)', async () => {
    const { stdout, code } = await cli('policy', 'check', file('ok.json', DEFAULT_POLICY));
    expect(code).toBe(0);
    expect(stdout).toContain(`policy ok: ${policyVersion(DEFAULT_POLICY)} (default-1)`);
    expect(stdout).toMatch(/23 action types \(5 low, 7 medium, 8 high, 3 critical\); 0 hard-denied; autonomy semi .*6\/6 detectors on/);
  });

  it('prints JSON with --json, and warns about unknown detector ids', async () => {
    const path = file(
      'warn.json',
      variant((p) => {
        p.detectors = { disabled: ['secretz'] };
      }),
    );
    const { stdout, code } = await cli('policy', 'check', path, '--json');
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report).toMatchObject({ ok: true, file: path, actionTypes: 23, detectorsOn: expect.arrayContaining(['secrets']) });
    expect(report.warnings).toEqual([{ path: 'detectors.disabled.0', message: expect.stringContaining('unknown detector "secretz"') }]);
  });

  it('lists every problem with its JSON path and exits 2', async () => {
    const path = file(
      'bad.json',
      variant((p) => {
        p.timeouts.high = { kind: 'approve', afterSeconds: 60 };
        p.decisionTable.high.locked = { outcome: 'auto' };
      }),
    );
    const human = await cli('policy', 'check', path);
    expect(human.code).toBe(2);
    expect(human.stdout).toBe('');
    expect(human.stderr).toContain('is invalid (2 problems)');
    expect(human.stderr).toContain('timeouts.high.kind: auto-approve on timeout is never allowed for high risk');
    expect(human.stderr).toContain('decisionTable.high.locked: less strict than at supervised autonomy');
    const json = await cli('policy', 'check', path, '--json');
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toEqual({ ok: false, file: path, errors: [expect.objectContaining({ path: 'decisionTable.high.locked' }), expect.objectContaining({ path: 'timeouts.high.kind' })] });
  });

  it('exits 2 on a file that is not JSON or not there', async () => {
    const notJson = await cli('policy', 'check', file('garbage.json', '{ nope'));
    expect(notJson).toMatchObject({ code: 2, stderr: expect.stringContaining('is not valid JSON at line 1, column 3') });
    const trailingComma = await cli('policy', 'check', file('comma.json', '{\n  "version": "x",\n}'));
    expect(trailingComma).toMatchObject({ code: 2, stderr: expect.stringContaining('is not valid JSON at line 3, column 1') });
    const missing = await cli('policy', 'check', join(dir, 'missing.json'));
    expect(missing).toMatchObject({ code: 2, stderr: expect.stringContaining('cannot read policy file') });
  });
});

describe('tollgate policy default', () => {
  it('prints the built-in policy as a file that checks, with the same version: a start for your own', async () => {
    const printed = await cli('policy', 'default');
    expect(printed.code).toBe(0);
    expect(JSON.parse(printed.stdout)).toEqual(DEFAULT_POLICY);
    const checked = await cli('policy', 'check', file('from-default.json', printed.stdout), '--json');
    expect([checked.code, JSON.parse(checked.stdout).version]).toEqual([0, policyVersion(DEFAULT_POLICY)]);
  });
});

describe('tollgate policy explain', () => {
  it('prints the verdict as a table', async () => {
    const { stdout, code } = await cli('policy', 'explain', '--action', 'vcs:push', '--args', '{"command":"git push -f origin main"}', '--autonomy', 'full');
    expect(code).toBe(0);
    for (const field of ['decision', 'reason', 'matchedRules', 'riskLevel', 'autonomy', 'requiredApprovals', 'policyVersion', 'argsHash', 'durationMs', 'alternative']) {
      expect(stdout).toMatch(new RegExp(`^${field} +\\S`, 'm'));
    }
    expect(stdout).toMatch(/^decision +escalate$/m);
    expect(stdout).toMatch(/^requiredApprovals +1$/m);
    expect(stdout).toContain('git push --force-with-lease origin main');
    const critical = await cli('policy', 'explain', '--action', 'deploy:production');
    expect(critical.stdout).toMatch(/^requiredApprovals +2$/m);
  });

  it('prints a verdict that passes the Verdict schema with --json', async () => {
    const { stdout, code } = await cli('policy', 'explain', '--action', 'deploy:production', '--json');
    expect(code).toBe(0);
    const verdict = Verdict.parse(JSON.parse(stdout));
    expect(verdict).toMatchObject({ decision: 'escalate', requiredApprovals: 2, riskLevel: 'critical', autonomy: 'semi', policyVersion: policyVersion(DEFAULT_POLICY) });
  });

  it('denies dangerous arguments and resolves autonomy from a policy file', async () => {
    const deny = JSON.parse((await cli('policy', 'explain', '--action', 'code:read', '--args', '{"steps":[{"run":"sudo rm -rf /"}]}', '--json')).stdout);
    expect(deny).toMatchObject({ decision: 'deny', matchedRules: ['detector:rm-rf-root', 'table:low/semi'] });
    const path = file(
      'agents.json',
      variant((p) => {
        p.autonomy = { company: 'semi', departments: { finance: 'supervised' }, agents: { trusted: 'full' } };
      }),
    );
    const finance = JSON.parse((await cli('policy', 'explain', '--action', 'code:write', '--department', 'finance', '--policy', path, '--json')).stdout);
    expect(finance).toMatchObject({ decision: 'escalate', autonomy: 'supervised' });
    const trusted = JSON.parse((await cli('policy', 'explain', '--action', 'vcs:push', '--agent', 'trusted', '--department', 'finance', '--policy', path, '--json')).stdout);
    expect(trusted).toMatchObject({ decision: 'allow', autonomy: 'full' });
  });

  it.each([
    [['--action', 'Not A Type'], '--action: must look like category:action'],
    [[], '--action is required'],
    [['--action', 'vcs:push', '--args', '{not json'], '--args is not valid JSON'],
    [['--action', 'vcs:push', '--args', '[1, 2]'], '--args must be a JSON object'],
    [['--action', 'vcs:push', '--autonomy', 'turbo'], '--autonomy: Invalid option'],
    [['--action', 'vcs:push', '--policy', join(dir, 'missing.json')], 'cannot read policy file'],
  ])('refuses %j with a clear message (exit 2)', async (args, message) => {
    const { stdout, stderr, code } = await cli('policy', 'explain', ...args);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(message);
    expect(stderr).toContain('(validation_failed)');
  });
});

/** Every row of every table, to prove a replay changed nothing. */
function dump(path: string): string {
  const db = new Database(path, { readonly: true });
  try {
    const tables = db.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all();
    // Rows sorted as text: some tables have no rowid (WITHOUT ROWID).
    return JSON.stringify(tables.map(({ name }) => [name, db.prepare(`SELECT * FROM "${name}"`).all().map((row) => JSON.stringify(row)).sort()]));
  } finally {
    db.close();
  }
}

describe('tollgate policy replay', () => {
  const dbPath = join(dir, 'tasks.db');
  const ids: Record<string, string> = {};
  let strict: string;

  beforeAll(async () => {
    const store = await openSqliteStore({ path: dbPath });
    const engine = createEngine({ store });
    const proposals = {
      write: { actionType: 'code:write', title: 'fix', args: { path: 'src/a.ts' }, agentId: 'bot' },
      read: { actionType: 'code:read', title: 'read', args: { path: 'src/a.ts' }, agentId: 'bot' },
      push: { actionType: 'vcs:push', title: 'push', args: { command: 'git push origin main' }, agentId: 'bot' },
      wipe: { actionType: 'tool:invoke', title: 'wipe', args: { command: 'sudo rm -rf /' }, agentId: 'bot' },
      deploy: { actionType: 'deploy:production', title: 'deploy', args: { version: '1.4.0' }, agentId: 'bot' },
      corrupt: { actionType: 'docs:write', title: 'docs', args: { path: 'README.md' }, agentId: 'bot' },
    };
    for (const [name, proposal] of Object.entries(proposals)) ids[name] = (await engine.submit(proposal)).task.id;
    await engine.close();
    await store.close();
    const db = new Database(dbPath);
    db.prepare('UPDATE tasks SET envelope = ? WHERE id = ?').run('{"machineVersion":1,"snapshot":', ids.corrupt);
    db.close();
    // Stricter: the company drops to supervised (code:write needs a human) and pushes are hard-denied.
    strict = file(
      'strict.json',
      variant((p) => {
        p.autonomy.company = 'supervised';
        p.hardDeny = ['vcs:push'];
      }),
    );
  });

  it('counts and lists the verdicts a stricter policy would change, and writes nothing', async () => {
    const before = dump(dbPath);
    const { stdout, code } = await cli('policy', 'replay', '--policy', strict, '--db', `sqlite:${dbPath}`);
    expect(code).toBe(0);
    expect(stdout).toContain(`replayed 5 of 6 tasks in sqlite:${resolve(dbPath)}`);
    expect(stdout).toContain('2 verdicts would change, 3 unchanged, 1 unreadable (skipped)');
    // The new file lowers the company's autonomy: the change says at which levels it was judged.
    expect(stdout).toMatch(new RegExp(`${ids.write} +code:write +allow at semi → escalate at supervised +medium risk at supervised autonomy`));
    expect(stdout).toMatch(new RegExp(`${ids.push} +vcs:push +escalate at semi → deny at supervised +vcs:push is on the hard-deny list`));
    expect(dump(dbPath)).toBe(before);
  });

  it('prints the report as JSON with --json (a bare path works too)', async () => {
    const { stdout, code } = await cli('policy', 'replay', '--policy', strict, '--db', dbPath, '--json');
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report).toMatchObject({ tasks: 6, replayed: 5, unchanged: 3, withoutVerdict: 0 });
    expect(report.unreadable).toEqual([{ taskId: ids.corrupt, reason: expect.stringContaining('not valid JSON') }]);
    expect(report.changes.map((c: { taskId: string; from: { decision: string }; to: { decision: string } }) => [c.taskId, c.from.decision, c.to.decision])).toEqual(
      [
        [ids.write, 'allow', 'escalate'],
        [ids.push, 'escalate', 'deny'],
      ].sort(),
    );
  });

  it('finds nothing to change under the policy the tasks were judged by', async () => {
    const { stdout } = await cli('policy', 'replay', '--policy', file('same.json', DEFAULT_POLICY), '--db', dbPath, '--json');
    expect(JSON.parse(stdout)).toMatchObject({ replayed: 5, unchanged: 5, changes: [] });
  });

  it('says when a change is the autonomy\'s: a task judged while its agent was locked, replayed under the same policy now that it is not (found by a PostgreSQL trial)', async () => {
    const path = join(dir, 'autonomy.db');
    const store = await openSqliteStore({ path });
    const engine = createEngine({ store });
    const admin = { id: 'root', roles: ['admin' as const] };
    await engine.setAutonomy({ scope: 'agent', subject: 'bot', level: 'locked', reason: 'incident' }, admin);
    const locked = (await engine.submit({ actionType: 'code:read', title: 'read', args: { path: 'src/a.ts' }, agentId: 'bot' })).task;
    await engine.setAutonomy({ scope: 'agent', subject: 'bot', level: 'semi', reason: 'incident over' }, admin);
    await engine.close();
    await store.close();
    const same = file('same-again.json', DEFAULT_POLICY);
    const json = JSON.parse((await cli('policy', 'replay', '--policy', same, '--db', path, '--json')).stdout);
    expect(json.changes).toEqual([expect.objectContaining({ taskId: locked.id, from: expect.objectContaining({ autonomy: 'locked' }), to: expect.objectContaining({ decision: 'allow', autonomy: 'semi' }) })]);
    const { stdout } = await cli('policy', 'replay', '--policy', same, '--db', path);
    expect(stdout).toMatch(new RegExp(`${locked.id} +code:read +\\S+ at locked → allow at semi`));
  });

  it('refuses a database that does not exist, without creating it (exit 2)', async () => {
    const missing = join(dir, 'nope.db');
    const { stderr, code } = await cli('policy', 'replay', '--policy', strict, '--db', `sqlite:${missing}`);
    expect(code).toBe(2);
    expect(stderr).toContain('no such database file');
    expect(existsSync(missing)).toBe(false);
    expect((await cli('policy', 'replay', '--db', dbPath)).stderr).toContain('--policy is required');
  });

  it('says in its help that it reads a PostgreSQL store too, as it does (a PostgreSQL trial read "sqlite:PATH or PATH" and took it for SQLite only)', async () => {
    const { stdout } = await cli('policy', 'replay', '--help');
    expect(stdout).toMatch(/--db <url>\s+store: sqlite:PATH[^\n]*\n?[^\n]*postgres:\/\/…\?schema=NAME/);
  });
});

describe('the tollgate binary', () => {
  const bin = fileURLToPath(new URL('../../bin/tollgate.mjs', import.meta.url));
  const run = (...args: string[]) =>
    promisify(execFile)(process.execPath, [bin, ...args]).then(
      ({ stdout, stderr }) => ({ stdout, stderr, code: 0 }),
      (error: { stdout: string; stderr: string; code: number }) => ({ stdout: error.stdout, stderr: error.stderr, code: error.code }),
    );

  it('stops quietly when the reader of its output goes away (| head), never with an unhandled EPIPE', async () => {
    const child = spawn(process.execPath, [bin, 'policy', 'explain', '--action', 'vcs:push', '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy(); // the reader is gone before the first write
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const code = await new Promise<number | null>((resolveExit) => child.on('exit', resolveExit));
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  });

  it('exits 0 on a valid policy and 2 on a malformed action', async () => {
    const [ok, bad] = await Promise.all([run('policy', 'check', file('bin.json', DEFAULT_POLICY)), run('policy', 'explain', '--action', 'NOPE')]);
    expect(ok).toMatchObject({ code: 0, stdout: expect.stringContaining('policy ok: sha256:') });
    expect(bad).toMatchObject({ code: 2, stderr: expect.stringContaining('--action: must look like category:action') });
  });
});
