import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { GRANTS } from './app-harness.ts';

const BIN = resolve(import.meta.dirname, '../../../bin/tollgate.mjs');

/** How a process ended. */
export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A temporary folder with a tokens file (the test principals) and a database path. */
export class ServerFiles {
  readonly dir = mkdtempSync(join(tmpdir(), 'tollgate-serve-'));
  readonly tokens = join(this.dir, 'tokens.json');
  readonly db = join(this.dir, 'tollgate.db');

  constructor() {
    writeFileSync(this.tokens, JSON.stringify(GRANTS));
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** How runCli starts the process: extra environment, and (as root) another user and working directory. */
export interface CliProcessOptions {
  uid?: number;
  gid?: number;
  cwd?: string;
}

/** Runs `node bin/tollgate.mjs ARGS` to the end. */
export function runCli(args: string[], env: Record<string, string> = {}, options: CliProcessOptions = {}): Promise<Exit & { stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { ...options, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolvePromise({ code, signal, stdout, stderr }));
  });
}

/** The real server in a child process: `node bin/tollgate.mjs serve --port 0 …`. */
export class ServerProcess {
  readonly child: ChildProcess;
  readonly url: string;
  stdout = '';
  stderr = '';
  readonly exited: Promise<Exit>;

  private constructor(child: ChildProcess, url: string, output: { stdout: string; stderr: string }, exited: Promise<Exit>) {
    this.child = child;
    this.url = url;
    this.stdout = output.stdout;
    this.stderr = output.stderr;
    this.exited = exited;
    child.stdout?.on('data', (chunk) => {
      this.stdout += chunk;
    });
    child.stderr?.on('data', (chunk) => {
      this.stderr += chunk;
    });
  }

  /** Starts the server and waits for its `listening on` line. */
  static start(files: ServerFiles, extra: string[] = []): Promise<ServerProcess> {
    const args = [BIN, 'serve', '--port', '0', '--db', `sqlite:${files.db}`, '--tokens', files.tokens, '--log-level', 'warn', ...extra];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<Exit>((resolveExit) => child.on('exit', (code, signal) => resolveExit({ code, signal })));
    return new Promise((resolveStart, reject) => {
      const output = { stdout: '', stderr: '' };
      let started = false;
      const timer = setTimeout(() => fail(new Error('the server did not start in 30 s')), 30_000);
      const fail = (error: Error) => {
        if (started) return;
        clearTimeout(timer);
        child.kill('SIGKILL');
        reject(new Error(`${error.message}\nstdout: ${output.stdout}\nstderr: ${output.stderr}`));
      };
      child.stderr.on('data', (chunk) => {
        output.stderr += chunk;
      });
      const onData = (chunk: Buffer) => {
        output.stdout += chunk;
        const match = /^listening on (http:\/\/127\.0\.0\.1:\d+)\n/.exec(output.stdout);
        if (!match?.[1]) return;
        started = true;
        clearTimeout(timer);
        child.stdout.off('data', onData);
        resolveStart(new ServerProcess(child, match[1], output, exited));
      };
      child.stdout.on('data', onData);
      void exited.then((exit) => fail(new Error(`the server exited early: ${JSON.stringify(exit)}`)));
    });
  }

  /** Sends a signal and waits for the exit. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<Exit> {
    this.child.kill(signal);
    return this.exited;
  }

  /** A JSON request with a test principal's token. */
  async call(method: string, path: string, options: { token?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<{ status: number; body: any }> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${this.url}${path}`, {
      method,
      headers,
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null };
  }
}
