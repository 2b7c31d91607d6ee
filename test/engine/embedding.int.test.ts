import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The README's "Embedding" section, tried as a host would: its code sample copied into an app
// outside the repository that imports 'tollgate' as a dependency, run with the package's loader
// hook, and type-checked by a TypeScript host with the tsconfig the section names.

const run = promisify(execFile);
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The section's text, from its heading to the next `## ` heading. */
function embeddingSection(): string {
  const start = README.indexOf('\n## Embedding\n');
  const end = README.indexOf('\n## ', start + 1);
  return README.slice(start, end);
}

/** The first fenced block of a language in the section. */
function block(language: string): string {
  const match = new RegExp('```' + language + '\\n([\\s\\S]*?)```').exec(embeddingSection());
  if (!match?.[1]) throw new Error(`no \`\`\`${language} block in the README's Embedding section`);
  return match[1];
}

// What the sample leaves to the host: its platform (which answers whatever it answers, typed
// unknown like most platforms' clients) and its log. The epilogue reports what happened.
const PRELUDE = `
const calls: Array<{ actionType: string; key: string }> = [];
const myPlatform = {
  async run(actionType: string, args: unknown, key: string): Promise<unknown> {
    calls.push({ actionType, key });
    return { pushed: args, at: new Date(0) };
  },
};
const seen: string[] = [];
const log = (event: { type: string }) => { seen.push(event.type); };
`;
const EPILOGUE = `
process.stdout.write(JSON.stringify({ state: task.state, calls, seen }) + '\\n');
`;

describe("the README's Embedding section, in a host app", () => {
  let host: string;
  beforeAll(() => {
    host = mkdtempSync(join(tmpdir(), 'tollgate-host-'));
    mkdirSync(join(host, 'node_modules'));
    symlinkSync(ROOT, join(host, 'node_modules', 'tollgate'), 'dir');
    writeFileSync(join(host, 'package.json'), JSON.stringify({ name: 'host', type: 'module', dependencies: { tollgate: '*' } }));
    writeFileSync(join(host, 'app.ts'), PRELUDE + block('ts') + EPILOGUE);
  });
  afterAll(() => rmSync(host, { recursive: true, force: true }));

  it('runs as written: the push parks, is approved, runs once, the events are seen, and the process exits cleanly', async () => {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tollgate/register', 'app.ts'], { cwd: host, timeout: 30_000 }).catch(
      (error: { code: unknown; stdout: string; stderr: string }) => {
        throw new Error(`the sample failed (exit ${String(error.code)}):\n${error.stderr}`);
      },
    );
    expect(stderr).toBe('');
    const report = JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as { state: string; calls: Array<{ actionType: string; key: string }>; seen: string[] };
    expect(report.state).toBe('parked');
    expect(report.calls).toEqual([{ actionType: 'vcs:push', key: expect.any(String) }]);
    expect(report.seen).toEqual(expect.arrayContaining(['approval.approved', 'task.resumed', 'task.executing', 'task.completed']));
  });

  it('type-checks in a strict TypeScript host with the compilerOptions the section names', async () => {
    const named = JSON.parse(block('json')) as { compilerOptions: Record<string, unknown> };
    const tsconfig = {
      compilerOptions: {
        ...named.compilerOptions,
        // A strict host's extras, which the section says Tollgate's sources compile under.
        strict: true,
        noUncheckedIndexedAccess: true,
        exactOptionalPropertyTypes: true,
        types: ['node'],
        typeRoots: [join(ROOT, 'node_modules', '@types')],
      },
      files: ['app.ts'],
    };
    writeFileSync(join(host, 'tsconfig.json'), JSON.stringify(tsconfig));
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const result = await run(process.execPath, [tsc, '-p', host], { cwd: host, timeout: 120_000 }).catch((error: { stdout: string }) => ({ stdout: error.stdout }));
    expect(result.stdout).toBe('');
  });
});
