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
import type { GateConfig } from './gate-process.ts';
import { GateSupervisor, type KillRecord } from './supervisor.ts';
import { type TortureDatabase, prepareTortureDatabase } from './torture-database.ts';
import { type Verdict, verifyTorture } from './verify.ts';

const BIN = resolve(import.meta.dirname, '../../bin/tollgate.mjs');
/**
 * `--lease-ms` on PostgreSQL. There each process is its own worker, so a restarted server takes
 * the killed one's executing tasks over once their leases expire (the default 30 s would
 * stall every scenario a kill cut during an execution): the torture runs that takeover path.
 */
const SHARED_STORE_LEASE_MS = 2_000;

/** How to torture the gate. */
export interface TortureOptions {
  tasks: number;
  clients: number;
  kills: number;
  seed: number;
  /**
   * `sqlite:PATH` (default: a fresh file in a temporary folder) or a PostgreSQL URL (a fresh
   * schema in that database unless the URL names one with `schema=`; see prepareTortureDatabase).
   */
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
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-torture-'));
  let database: TortureDatabase | undefined;
  let supervisor: GateSupervisor | undefined;
  let recorder: ExecutorRecorder | undefined;
  try {
    database = await prepareTortureDatabase(options.dbUrl, dir);
    recorder = await ExecutorRecorder.start();
    supervisor = await GateSupervisor.start(gateConfig(database.dbUrl, dir, recorder.url, options), recorder);
    return await tortureGate(supervisor, recorder, database.dbUrl, options, started);
  } finally {
    await supervisor?.stop('kill').catch(() => undefined);
    await recorder?.close();
    await database?.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The server's configuration: the run's database, its tokens, the recording executor. */
function gateConfig(dbUrl: string, dir: string, executorUrl: string, options: TortureOptions): GateConfig {
  const tokensFile = join(dir, 'tokens.json');
  writeTortureTokens(tokensFile);
  const config: GateConfig = { dbUrl, tokensFile, executorUrl, sweepIntervalMs: options.sweepIntervalMs ?? 200 };
  if (isPostgresUrl(dbUrl)) config.leaseMs = SHARED_STORE_LEASE_MS;
  return config;
}

/** The run itself, on a started gate: drive with kills, quarantine checks, final read, verdict. */
async function tortureGate(supervisor: GateSupervisor, recorder: ExecutorRecorder, dbUrl: string, options: TortureOptions, started: number): Promise<TortureReport> {
  const log = options.log ?? (() => undefined);
  const ledger = new Ledger();
  const runId = `torture-${options.seed}-${Date.now().toString(36)}`;
  const client = new GateClient(supervisor, ledger);
  const corruptor = corruptorFor(dbUrl);
  const subjects = await parkQuarantineSubjects(client, ledger, runId);
  log(`driving ${options.tasks} tasks with ${options.clients} clients, ${options.kills} kills, on ${dbUrl}`);
  // The first kill also damages two of the subjects' rows while the gate is down.
  const atFirstKill = () => corruptQuarantineSubjects(corruptor, subjects);
  const takeoverAfterRestart = isPostgresUrl(dbUrl);
  const outcomes = await drive(supervisor, client, ledger, { ...options, runId, log, atFirstKill, takeoverAfterRestart });
  log(`driven in ${Math.round((Date.now() - started) / 1000)} s`);
  // Let the sweeper catch the last short deadlines (ttl 1 s) and, on PostgreSQL, take over the
  // tasks the last kill left leased to a dead worker.
  await sleep(1_500 + 3 * (options.sweepIntervalMs ?? 200) + (takeoverAfterRestart ? SHARED_STORE_LEASE_MS : 0));
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

function isPostgresUrl(dbUrl: string): boolean {
  return /^postgres(ql)?:\/\//.test(dbUrl);
}
