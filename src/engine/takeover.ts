import { decodeEnvelope } from '../../machines/envelope.ts';
import type { TaskState } from '../model/task-state.ts';
import type { Store } from '../store/store.ts';
import { failureSummary, storeUnavailableReason } from '../store/store-outage.ts';
import type { RecoveryReport } from './engine-types.ts';
import type { Logger } from './logger.ts';
import { TaskLoadError } from './restore.ts';
import { type TaskRunner, contextOf } from './task-runner.ts';
import type { WorkerLeases } from './worker-leases.ts';

/** States a crash can leave a task in with work still to do. */
export const INTERRUPTED_STATES: readonly TaskState[] = ['proposed', 'evaluating', 'autoApproved', 'awaitingHuman', 'resumed', 'executing'];

/**
 * Continues what a crash interrupted: at start (recovery) every task left in an interrupted
 * state, and later (on a shared store) the tasks of a worker whose lease expired. A task is
 * taken over only once its lease is claimed, so of several workers exactly one continues it.
 * Also submits the alternatives a crash kept from being submitted after a reroute.
 */
export class Takeover {
  readonly #runner: TaskRunner;
  readonly #store: Store;
  readonly #leases: WorkerLeases;
  readonly #logger: Logger;
  #lastAlternativeScan = Number.NEGATIVE_INFINITY;

  constructor(runner: TaskRunner, store: Store, leases: WorkerLeases, logger: Logger) {
    this.#runner = runner;
    this.#store = store;
    this.#leases = leases;
    this.#logger = logger;
  }

  /**
   * Continues the interrupted tasks nobody else holds a live lease on; resolves once they are at
   * rest. `onRestored` is called as soon as every one of them is restored and running (each
   * holding its task's lock), before they come to rest: a server opens its doors then, rather than
   * after executions that may take minutes (an executor endpoint that hangs held every request).
   */
  async run(onRestored?: () => void): Promise<RecoveryReport> {
    const report: RecoveryReport = { resumed: 0, quarantined: 0, alternativesSubmitted: 0 };
    const runner = this.#runner;
    // On a shared store, only tasks whose lease is gone: the ones live workers are running are not even read.
    const leaseFree = this.#leases.enabled ? { leaseFreeAt: this.#leases.now() } : {};
    const listed = await this.#store.listTasksInStates(INTERRUPTED_STATES, 100_000, leaseFree);
    const candidates = listed.filter((record) => !runner.runs.has(record.id));
    const claimed = await this.#leases.claim(candidates.map((record) => record.id));
    const interrupted = candidates.filter((record) => claimed.has(record.id));
    let starting = interrupted.length;
    const started = () => {
      starting -= 1;
      if (starting === 0) onRestored?.();
    };
    if (starting === 0) onRestored?.();
    await Promise.all(
      interrupted.map((record) =>
        runner.locks.run(record.id, async () => {
          let counted = false;
          const countStarted = () => {
            if (counted) return;
            counted = true;
            started();
          };
          if (runner.runs.has(record.id)) return countStarted();
          try {
            const run = await runner.restore(record.id, INTERRUPTED_STATES, { recovered: true, leased: this.#leases.enabled });
            run.start();
            countStarted();
            const settled = await run.settled;
            report.resumed += 1;
            if (await runner.submitAlternative(settled, contextOf(run))) report.alternativesSubmitted += 1;
          } catch (error) {
            if (error instanceof TaskLoadError && error.quarantined) report.quarantined += 1;
            // Listed while interrupted, then finished by the worker that ran it before the claim landed: nothing to take over.
            else if (error instanceof TaskLoadError && !error.snapshotError) this.#logger.debug({ taskId: record.id, reason: error.message }, 'task came to rest before the takeover');
            // The store away: an outage, not a bug (no stack). On PostgreSQL its lease runs out and
            // a later sweep takes the task over again; on a single-process store, the next start.
            else if (storeUnavailableReason(error) !== undefined) this.#logger.warn({ taskId: record.id, ...failureSummary(error) }, 'recovery of a task failed: the store is unavailable');
            else this.#logger.error({ taskId: record.id, err: error }, 'recovery of a task failed');
          } finally {
            countStarted();
          }
        }),
      ),
    );
    // A scan over every rerouted task: at start, then at most once a minute.
    if (Date.now() - this.#lastAlternativeScan >= 60_000) {
      this.#lastAlternativeScan = Date.now();
      report.alternativesSubmitted += await this.#submitMissingAlternatives();
    }
    return report;
  }

  /**
   * A takeover as a sweep runs it: resolves once the tasks it took are restored and running,
   * not once they are at rest (that is logged later). A sweep that waited for their executions
   * applied no deadline, took nothing else over and held up its worker's shutdown for as long as
   * an executor took (minutes, with retries). Rejects when the takeover fails before that.
   * @example await takeover.startRun(); // the sweep goes on to the deadlines
   */
  startRun(): Promise<void> {
    return new Promise<void>((restored, failed) => {
      let running = false;
      this.run(() => {
        running = true;
        restored();
      }).then(
        (report) => {
          if (report.resumed + report.quarantined > 0) this.#logger.info(report, 'took over tasks of a worker whose lease expired');
          restored();
        },
        (error: unknown) => {
          if (running) this.#logger.warn(failureSummary(error), 'takeover: finishing the tasks taken over failed');
          else failed(error);
        },
      );
    });
  }

  /** Alternatives a crash kept from being submitted after their task was rerouted (the id is derived, so this is idempotent). */
  async #submitMissingAlternatives(): Promise<number> {
    let submitted = 0;
    for (const record of await this.#store.listReroutesWithoutAlternative(1_000)) {
      try {
        if (await this.#runner.submitAlternative(record, decodeEnvelope(record.envelope).context)) submitted += 1;
      } catch (error) {
        this.#logger.error({ taskId: record.id, err: error }, 'could not submit the alternative of a rerouted task');
      }
    }
    return submitted;
  }
}
