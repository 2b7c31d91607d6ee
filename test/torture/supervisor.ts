import type { ExecutorRecorder } from './executor-recorder.ts';
import type { GateLocator } from './gate-client.ts';
import { type GateConfig, GateProcess } from './gate-process.ts';

/** One kill: when, and how long the gate was down. */
export interface KillRecord {
  at: number;
  downMs: number;
  /** Tasks fully driven when it happened. */
  progress: number;
}

/**
 * Keeps the real server running across kills: `killAndRestart()` SIGKILLs it and starts it
 * again on the same database; meanwhile `whenUp()` makes clients wait for the new URL.
 * @example const supervisor = await GateSupervisor.start(config, recorder); await supervisor.killAndRestart(0);
 */
export class GateSupervisor implements GateLocator {
  readonly kills: KillRecord[] = [];
  #config: GateConfig;
  #recorder: ExecutorRecorder;
  #gate: GateProcess | null = null;
  #up: Promise<string>;
  /** Stderr of lives that ended, for diagnostics (the last 64 KiB each). */
  readonly pastStderr: string[] = [];

  private constructor(config: GateConfig, recorder: ExecutorRecorder, gate: GateProcess) {
    this.#config = config;
    this.#recorder = recorder;
    this.#gate = gate;
    this.#up = Promise.resolve(gate.url);
  }

  static async start(config: GateConfig, recorder: ExecutorRecorder): Promise<GateSupervisor> {
    recorder.life += 1;
    return new GateSupervisor(config, recorder, await GateProcess.start(config));
  }

  whenUp(): Promise<string> {
    return this.#up;
  }

  /** The server's standard error of this life. */
  get stderr(): string {
    return this.#gate?.stderr ?? '';
  }

  /**
   * SIGKILL now, then start again on the same files; clients wait meanwhile. `whileDown` runs
   * between the two (e.g. to damage rows behind the gate's back).
   */
  async killAndRestart(progress: number, pauseMs = 0, whileDown?: () => Promise<void>): Promise<void> {
    const started = Date.now();
    await this.stop('kill');
    await whileDown?.();
    if (pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
    await this.restart();
    this.kills.push({ at: started, downMs: Date.now() - started, progress });
  }

  /** Stops the gate (SIGKILL, or SIGTERM for a clean stop); clients wait until `restart()`. */
  async stop(how: 'kill' | 'term'): Promise<void> {
    const gate = this.#gate;
    if (!gate) return;
    let release: (url: string) => void = () => undefined;
    let failStart: (error: unknown) => void = () => undefined;
    this.#up = new Promise<string>((resolve, reject) => {
      release = resolve;
      failStart = reject;
    });
    // A failed restart is reported by restart() itself; waiting clients see it too.
    this.#up.catch(() => undefined);
    this.#release = release;
    this.#failStart = failStart;
    this.#gate = null;
    if (how === 'kill') await gate.kill();
    else await gate.stop();
    this.pastStderr.push(gate.stderr);
  }

  /** Starts the gate again after `stop()`. */
  async restart(): Promise<string> {
    this.#recorder.life += 1;
    try {
      const gate = await GateProcess.start(this.#config);
      this.#gate = gate;
      this.#release(gate.url);
      return gate.url;
    } catch (error) {
      this.#failStart(error);
      throw error;
    }
  }

  /** Clean stop at the end of the run. */
  async close(): Promise<void> {
    await this.stop('term');
  }

  #release: (url: string) => void = () => undefined;
  #failStart: (error: unknown) => void = () => undefined;
}
