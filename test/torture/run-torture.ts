import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { corruptorFor } from './corruptor.ts';
import { drive } from './drive.ts';
import { ExecutorRecorder } from './executor-recorder.ts';
import { readFinalView } from './final-view.ts';
import { GateClient, sleep } from './gate-client.ts';
import { Ledger } from './ledger.ts';
import { writeTortureTokens } from './principals.ts';
import { checkQuarantine, corruptQuarantineSubjects, parkQuarantineSubjects, type QuarantineReport } from './quarantine-phase.ts';
import { GateSupervisor, type KillRecord } from './supervisor.ts';
import { type Verdict, verifyTorture } from './verify.ts';

const BIN = resolve(import.meta.dirname, '../../bin/tollgate.mjs');

/** How to torture the gate. */
export interface TortureOptions {
  tasks: number;
  clients: number;
  kills: number;
  seed: number;
  /** `sqlite:PATH` (default: a fresh file in a temporary folder) or, later, a PostgreSQL URL. */
  dbUrl?: string;
  sweepIntervalMs?: number;
  log?: (message: string) => void;
}

/** What a torture run did and found. */
export interface TortureReport {
  dbUrl: string;
  seconds: number;
  kills: KillRecord[];
  verdict: Verdict;
  quarantine: QuarantineReport;
  audit: { ok: boolean; entries: number; brokenAt?: number };
  statusCounts: Record<string, number>;
  retries: number;
  decisions: { total: number; won: number; conflicts: number; retried: number };
  /** The server's stderr lines at level error (pino level 50+), all lives. */
  serverErrorLogs: string[];
  /** Every violation of every phase; empty means the gate held. */
  violations: string[];
}

/**
 * The crash torture (issue 8, part 3): the real `tollgate serve` on a database, an executor
 * endpoint that records every call, concurrent clients driving mixed tasks over HTTP while the
 * server is SIGKILLed and restarted (during the first kill, one parked task's snapshot and
 * another's approval record are damaged in the store); then the quarantine checks, a final
 * read of every task, the invariants, and `tollgate audit verify` on the database.
 * @example const report = await runTorture({ tasks: 600, clients: 8, kills: 3, seed: 1 });
 */
export async function runTorture(options: TortureOptions): Promise<TortureReport> {
  const started = Date.now();
  const log = options.log ?? (() => undefined);
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-torture-'));
  const dbUrl = options.dbUrl ?? `sqlite:${join(dir, 'tollgate.db')}`;
  const tokensFile = join(dir, 'tokens.json');
  writeTortureTokens(tokensFile);
  const recorder = await ExecutorRecorder.start();
  const ledger = new Ledger();
  const runId = `torture-${options.seed}-${Date.now().toString(36)}`;
  let supervisor: GateSupervisor | undefined;
  try {
    supervisor = await GateSupervisor.start({ dbUrl, tokensFile, executorUrl: recorder.url, sweepIntervalMs: options.sweepIntervalMs ?? 200 }, recorder);
    const client = new GateClient(supervisor, ledger);
    const corruptor = corruptorFor(dbUrl);
    const subjects = await parkQuarantineSubjects(client, ledger, runId);
    log(`driving ${options.tasks} tasks with ${options.clients} clients, ${options.kills} kills, on ${dbUrl}`);
    // The first kill also damages two of the subjects' rows while the gate is down.
    const atFirstKill = () => corruptQuarantineSubjects(corruptor, subjects);
    const outcomes = await drive(supervisor, client, ledger, { ...options, runId, log, atFirstKill });
    log(`driven in ${Math.round((Date.now() - started) / 1000)} s`);
    // Let the sweeper catch the last short deadlines (ttl 1 s).
    await sleep(1_500 + 3 * (options.sweepIntervalMs ?? 200));
    log('quarantine: act on the task with the corrupt snapshot and the one with the corrupt approval record');
    const quarantine = await checkQuarantine(client, ledger, subjects, runId);
    outcomes.push(...quarantine.outcomes);
    log('reading every task back');
    const ids = [...ledger.acknowledged.keys(), ...outcomes.flatMap((o) => (o.alternativeTaskId ? [o.alternativeTaskId] : []))];
    const view = await readFinalView(client, ids);
    const liveAudit = await client.call('GET', '/api/v1/audit/verify', 'admin');
    const verdict = verifyTorture({ outcomes, ledger, calls: recorder.calls, view });
    const kills = supervisor.kills;
    const serverErrorLogs = errorLines([...supervisor.pastStderr, supervisor.stderr]);
    await supervisor.close();
    const audit = auditVerify(dbUrl);
    const violations = [...verdict.violations, ...quarantine.violations];
    if (!audit.ok) violations.push(`tollgate audit verify: chain broken at ${audit.brokenAt}`);
    if (liveAudit.body?.ok !== true) violations.push(`GET /audit/verify: ${JSON.stringify(liveAudit.body)}`);
    if (kills.length < options.kills) violations.push(`only ${kills.length} of ${options.kills} kills happened`);
    const won = ledger.decisions.filter((d) => d.status === 200).length;
    return {
      dbUrl,
      seconds: Math.round((Date.now() - started) / 100) / 10,
      kills,
      verdict,
      quarantine,
      audit,
      statusCounts: Object.fromEntries([...ledger.statusCounts].sort()),
      retries: ledger.retries,
      decisions: {
        total: ledger.decisions.length,
        won,
        conflicts: ledger.decisions.length - won,
        retried: ledger.decisions.filter((d) => d.retried).length,
      },
      serverErrorLogs,
      violations,
    };
  } finally {
    await supervisor?.stop('kill').catch(() => undefined);
    await recorder.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `tollgate audit verify --db URL --json`, run as the operator would, on the stopped database. */
function auditVerify(dbUrl: string): { ok: boolean; entries: number; brokenAt?: number } {
  const run = spawnSync(process.execPath, [BIN, 'audit', 'verify', '--db', dbUrl, '--json'], { encoding: 'utf8' });
  const line = run.stdout.trim().split('\n').at(-1) ?? '';
  try {
    return JSON.parse(line) as { ok: boolean; entries: number; brokenAt?: number };
  } catch {
    return { ok: false, entries: 0, brokenAt: -1 };
  }
}

/** pino lines at level ≥ 50 (error, fatal). */
function errorLines(stderrs: string[]): string[] {
  return stderrs
    .flatMap((text) => text.split('\n'))
    .filter((line) => /"level":(5\d|60)/.test(line))
    .slice(0, 50);
}
