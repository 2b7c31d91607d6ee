import { ServerFiles, ServerProcess } from '../server/support/spawn-server.ts';

/** A `postgres://` URL of the test database with its own schema. */
export function clusterDbUrl(schema: string): string {
  const base = process.env.TOLLGATE_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test';
  return `${base}${base.includes('?') ? '&' : '?'}schema=${schema}`;
}

/**
 * Several real `tollgate serve` workers on one PostgreSQL schema, as a deployment runs them.
 * @example const cluster = await Cluster.start(4, { db, executorUrl }); … await cluster.stop();
 */
export class Cluster {
  readonly files = new ServerFiles();
  readonly workers: ServerProcess[] = [];
  readonly dead = new Set<number>();

  static async start(count: number, options: { db: string; executorUrl: string; leaseMs: number }): Promise<Cluster> {
    const cluster = new Cluster();
    const args = ['--db', options.db, '--executor-url', options.executorUrl, '--lease-ms', String(options.leaseMs), '--sweep-interval-ms', '200', '--log-level', process.env.WORKERS_LOG ?? 'warn'];
    // The first one migrates the schema; the others find it ready (they could race: the advisory lock handles it).
    for (let i = 0; i < count; i += 1) cluster.workers.push(await ServerProcess.start(cluster.files, args));
    return cluster;
  }

  /** A live worker chosen by `pick` (a random number in [0, 1)). */
  live(pick: number): ServerProcess {
    const alive = this.workers.filter((_, index) => !this.dead.has(index));
    return alive[Math.floor(pick * alive.length)] as ServerProcess;
  }

  async kill(index: number): Promise<void> {
    this.dead.add(index);
    await this.workers[index]?.stop('SIGKILL');
  }

  async stop(): Promise<void> {
    await Promise.all(this.workers.map((worker, index) => (this.dead.has(index) ? undefined : worker.stop('SIGTERM'))));
    this.files.remove();
  }
}
