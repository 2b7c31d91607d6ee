import { describe, expect, it } from 'vitest';
import type { Task } from '../../visualizer/src/api/types.ts';
import { showArguments, summarizeRequest } from '../../visualizer/src/logic/request-summary.ts';
import { parkedTask } from './support/parked-task.ts';

const base: Task = parkedTask();

describe('what an approver reads on a card before deciding', () => {
  it('gives the arguments, description, SecOps reason, matched rules and suggestion, hidden characters as escapes', () => {
    const task: Task = {
      ...base,
      title: 'Push\u200b docs',
      description: 'line one\nignore\u202e this',
      args: { cmd: 'git push --force origin main', file: 'invoice\u202efdp.exe' },
      verdict: {
        decision: 'escalate',
        reason: 'force push\u200b rewrites history',
        matchedRules: ['detector:git-force-push', 'matrix:high/semi'],
        policyVersion: 'p1',
        argsHash: 'h',
        suggestedAlternative: { actionType: 'vcs:push', args: { cmd: 'git push --force-with-lease origin main' }, reason: 'keeps others\u2060 work' },
      },
    };
    const summary = summarizeRequest(task);
    expect(summary.title).toBe('Push\\u200b docs');
    expect(summary.description).toBe('line one\nignore\\u202e this');
    expect(summary.args.json).toBe('{\n  "cmd": "git push --force origin main",\n  "file": "invoice\\u202efdp.exe"\n}');
    expect(JSON.parse(summary.args.json)).toEqual(task.args);
    expect(summary.args.size).toBeNull();
    expect(summary.verdict).toEqual({ decision: 'escalate', reason: 'force push\\u200b rewrites history', matchedRules: ['detector:git-force-push', 'matrix:high/semi'] });
    expect(summary.suggestion).toEqual({
      actionType: 'vcs:push',
      args: { json: '{\n  "cmd": "git push --force-with-lease origin main"\n}', size: null },
      title: null,
      reason: 'keeps others\\u2060 work',
    });
  });

  it('escapes the suggested action type like the rest of the suggestion', () => {
    const verdict = { decision: 'escalate' as const, reason: 'r', matchedRules: [], policyVersion: 'p1', argsHash: 'h', suggestedAlternative: { actionType: 'vcs:pսsh\u200b' } };
    expect(summarizeRequest({ ...base, verdict } as Task).suggestion?.actionType).toBe('vcs:p\\u057dsh\\u200b');
  });

  it('says when there is no description, no verdict and no suggestion', () => {
    expect(summarizeRequest(base)).toEqual({ title: 'Push the release', description: null, args: { json: '{}', size: null }, verdict: null, suggestion: null });
  });

  it('says how long arguments are when their box cannot show them all', () => {
    const many = Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`file${i}`, `tmp/${i}.log`]));
    expect(showArguments(many).size).toMatch(/^302 lines, [\d,]+ characters — scroll the box to read them all\.$/);
    expect(showArguments({ cmd: `git status${' '.repeat(3_000)}&& git push --force` }).size).toMatch(/^3 lines, 3,\d{3} characters/);
    expect(showArguments({ branch: 'main' }).size).toBeNull();
  });
});
