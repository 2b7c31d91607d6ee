import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { GATE_NODE_FLAGS } from '../../src/util/v8-tuning.ts';

const BIN = resolve(import.meta.dirname, '../../bin/tollgate.mjs');
const KEEP_STDERR = 64 * 1024;

/** How to start the real server: `tollgate serve --port 0 --db DB_URL …`. */
export interface GateConfig {
  /** `sqlite:PATH` or a PostgreSQL URL: the driver does not care which. */
  dbUrl: string;
  tokensFile: string;
  executorUrl: string;
  sweepIntervalMs: number;
  /** `--lease-ms`: how soon a restarted server takes over a dead one's tasks on a shared store. */
  leaseMs?: number;
}

/**
 * One life of the real server in a child process. `kill()` is SIGKILL: no shutdown at all.
 * @example const gate = await GateProcess.start(config); … await gate.kill();
 */
export class GateProcess {
  readonly url: string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  #child: ChildProcess;
  #stderr: { text: string };

  private constructor(child: ChildProcess, url: string, stderr: { text: string }, exited: GateProcess['exited']) {
    this.#child = child;
    this.url = url;
    this.#stderr = stderr;
    this.exited = exited;
  }

  /** The last 64 KiB the server wrote on standard error (its warn/error log). */
  get stderr(): string {
    return this.#stderr.text;
  }

  /** Starts the server and resolves once it printed `listening on URL` (recovery done). */
  static start(config: GateConfig): Promise<GateProcess> {
    const args = [
      ...GATE_NODE_FLAGS,
      BIN,
      'serve',
      '--port',
      '0',
      '--db',
      config.dbUrl,
      '--tokens',
      config.tokensFile,
      '--sweep-interval-ms',
      String(config.sweepIntervalMs),
      '--executor-url',
      config.executorUrl,
      '--log-level',
      'warn',
      ...(config.leaseMs === undefined ? [] : ['--lease-ms', String(config.leaseMs)]),
    ];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const stderr = { text: '' };
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr.text = (stderr.text + chunk.toString()).slice(-KEEP_STDERR);
    });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
      child.on('exit', (code, signal) => done({ code, signal })),
    );
    return new Promise((resolveStart, reject) => {
      let stdout = '';
      let settled = false;
      const timer = setTimeout(() => fail(new Error('the server did not start in 60 s')), 60_000);
      const fail = (error: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        child.kill('SIGKILL');
        reject(new Error(`${error.message}\nstderr: ${stderr.text.slice(-4000)}`));
      };
      child.stdout?.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const match = /^listening on (http:\/\/127\.0\.0\.1:\d+)\n/.exec(stdout);
        if (!match?.[1] || settled) return;
        settled = true;
        clearTimeout(timer);
        resolveStart(new GateProcess(child, match[1], stderr, exited));
      });
      void exited.then((exit) => fail(new Error(`the server exited while starting: ${JSON.stringify(exit)}`)));
    });
  }

  /** SIGKILL, and wait until the process is gone. */
  async kill(): Promise<void> {
    this.#child.kill('SIGKILL');
    await this.exited;
  }

  /** SIGTERM (graceful: drain, close the store), and wait for the exit. */
  async stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    this.#child.kill('SIGTERM');
    return this.exited;
  }
}
