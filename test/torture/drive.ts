import type { GateClient } from './gate-client.ts';
import type { Ledger } from './ledger.ts';
import { seededRandom } from './prng.ts';
import { pickScenario, runScenario, type ScenarioOutcome } from './scenarios.ts';
import type { GateSupervisor } from './supervisor.ts';

/** How the clients and the killer run. */
export interface DriveOptions {
  tasks: number;
  clients: number;
  kills: number;
  seed: number;
  runId: string;
  /** See ScenarioContext.takeoverAfterRestart. */
  takeoverAfterRestart?: boolean;
  log?: (message: string) => void;
  /** Runs while the gate is down during the first kill. */
  atFirstKill?: () => Promise<void>;
}

/**
 * Runs `tasks` scenarios with `clients` concurrent clients while a killer SIGKILLs the gate
 * `kills` times at random moments (progress points drawn from the seed, plus a random delay)
 * and restarts it. Resolves with every scenario's outcome once all are driven and all kills done.
 * @example const outcomes = await drive(supervisor, client, ledger, { tasks: 600, clients: 8, kills: 3, seed: 1, runId: 'r1' });
 */
export async function drive(supervisor: GateSupervisor, client: GateClient, ledger: Ledger, options: DriveOptions): Promise<ScenarioOutcome[]> {
  const outcomes: ScenarioOutcome[] = [];
  let next = 0;
  let finished = 0;
  let aborted = false;
  const worker = async () => {
    while (next < options.tasks && !aborted) {
      const index = next;
      next += 1;
      const random = seededRandom(options.seed * 1_000_003 + index);
      const kind = pickScenario(random);
      try {
        outcomes.push(await runScenario({ client, ledger, random, index, kind, runId: options.runId, takeoverAfterRestart: options.takeoverAfterRestart === true }));
      } catch (error) {
        aborted = true;
        throw error;
      }
      finished += 1;
      if (options.log && finished % 1000 === 0) options.log(`  ${finished} tasks driven, ${supervisor.kills.length} kills so far`);
    }
  };
  const killer = async () => {
    const random = seededRandom(options.seed ^ 0x5eed);
    const points = Array.from({ length: options.kills }, () => Math.floor(random.between(0.03, 0.93) * options.tasks)).sort((a, b) => a - b);
    for (const point of points) {
      while (finished < point && !aborted) await pause(5);
      if (aborted) return;
      await pause(random.between(0, 250));
      const whileDown = supervisor.kills.length === 0 ? options.atFirstKill : undefined;
      await supervisor.killAndRestart(finished, random.next() < 0.2 ? random.between(100, 1_000) : 0, whileDown);
      options.log?.(`  kill ${supervisor.kills.length}/${options.kills} at ${finished} tasks driven`);
    }
  };
  await Promise.all([killer(), ...Array.from({ length: options.clients }, worker)]);
  return outcomes;
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
