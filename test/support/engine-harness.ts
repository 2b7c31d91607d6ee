import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SimulatedClock } from '../../src/engine/clock.ts';
import { createEngine } from '../../src/engine/engine.ts';
import type { Engine } from '../../src/engine/engine-types.ts';
import type { PolicyRuntime } from '../../src/engine/policy-runtime.ts';
import type { LifecycleEvent } from '../../src/model/lifecycle-event.ts';
import { createMemoryStore } from '../../src/store/memory.ts';
import { openSqliteStore } from '../../src/store/sqlite.ts';
import type { Store } from '../../src/store/store.ts';
import { CrashableStore } from './crashable-store.ts';
import { RecordingExecutor } from './recording-executor.ts';
import { testPolicy } from './test-policy.ts';

/**
 * An engine on a real SQLite file (or memory) with a simulated clock and a recording executor,
 * that can "crash": close the engine and the store and open new ones on the same file.
 */
export class EngineHarness {
  readonly clock = new SimulatedClock();
  readonly executor: RecordingExecutor;
  readonly events: LifecycleEvent[] = [];
  engine!: Engine;
  /** The store the engine uses: a real one behind a plug that tests can pull. */
  store!: CrashableStore;
  restarts = 0;
  #dir: string | null;
  #policy: PolicyRuntime;
  #kind: 'sqlite' | 'memory';
  #memory: Store | undefined;

  private constructor(kind: 'sqlite' | 'memory', policy: PolicyRuntime, executor: RecordingExecutor) {
    this.#kind = kind;
    this.#policy = policy;
    this.executor = executor;
    this.#dir = kind === 'sqlite' ? mkdtempSync(join(tmpdir(), 'tollgate-test-')) : null;
  }

  static async open(
    options: { kind?: 'sqlite' | 'memory'; policy?: PolicyRuntime; executor?: RecordingExecutor } = {},
  ): Promise<EngineHarness> {
    const harness = new EngineHarness(options.kind ?? 'sqlite', options.policy ?? testPolicy(), options.executor ?? new RecordingExecutor());
    await harness.#start();
    return harness;
  }

  get path(): string {
    return join(this.#dir ?? '', 'tollgate.db');
  }

  async #start(): Promise<void> {
    if (this.#kind === 'memory') {
      this.#memory ??= createMemoryStore();
      this.store = new CrashableStore(this.#memory);
    } else {
      this.store = new CrashableStore(await openSqliteStore({ path: this.path, synchronous: 'NORMAL' }));
    }
    this.engine = createEngine({ store: this.store, policy: this.#policy, executor: this.executor, clock: this.clock });
    this.engine.events$.subscribe((event) => this.events.push(event));
    await this.engine.recover();
  }

  /**
   * Closes engine and store, then opens fresh ones on the same file and runs recovery. With
   * `crash`, the plug is pulled first: nothing in flight reaches the store any more. With
   * `policy`, the new process runs another policy (as after a deploy).
   */
  async restart(options: { crash?: boolean; policy?: PolicyRuntime } = {}): Promise<void> {
    if (options.crash) this.store.cutAfter(0);
    if (options.policy) this.#policy = options.policy;
    // After a crash nothing in flight can reach the store; a hung executor is simply dropped.
    await this.engine.close({ timeoutMs: options.crash ? 100 : 2_000 });
    if (this.#kind === 'sqlite') await this.store.close();
    this.restarts += 1;
    await this.#start();
  }

  async close(): Promise<void> {
    await this.engine.close({ timeoutMs: 2_000 });
    await this.store.close();
    if (this.#dir) rmSync(this.#dir, { recursive: true, force: true });
  }
}
