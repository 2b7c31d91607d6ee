import { resolve } from 'node:path';
import type { Command } from 'commander';
import { pino } from 'pino';
import { z } from 'zod';
import { policyRuntime } from '../../engine/default-policy-runtime.ts';
import { decisionCeiling } from '../../engine/authorize.ts';
import { createEngine } from '../../engine/engine.ts';
import type { Engine, EngineOptions } from '../../engine/engine-types.ts';
import { createHttpExecutor } from '../../engine/http-executor.ts';
import { parseInput } from '../../engine/validate.ts';
import { ListenError, ValidationError } from '../../errors.ts';
import type { Principal } from '../../model/principal.ts';
import { loadPolicyFile } from '../../policy/load-policy.ts';
import { InspectionHub } from '../../server/inspection-hub.ts';
import { DEFAULT_REQUEST_LIMITS } from '../../server/request-limits.ts';
import { type RunningServer, startServer } from '../../server/server.ts';
import { loadTokensFile, type TokenGrant } from '../../server/tokens-file.ts';
import type { Store } from '../../store/store.ts';
import { describeStoreUrl, openStore } from '../open-store.ts';
import { formatTable, writeOut } from '../output.ts';
import { ensureDemoTokens, seedDemoTasks } from '../serve-demo.ts';
import { shutdownOnSignal } from '../shutdown-on-signal.ts';
import { policyWarnings } from '../../policy/policy-warnings.ts';

const ServeOptions = z.strictObject({
  port: z.coerce.number().int().min(0).max(65_535),
  host: z.string().min(1).max(255),
  db: z.string().min(1).optional(),
  tokens: z.string().min(1).optional(),
  policy: z.string().min(1).optional(),
  sweepIntervalMs: z.coerce.number().int().min(10).max(3_600_000),
  executorUrl: z.url({ protocol: /^https?$/ }).optional(),
  executorMaxAttempts: z.coerce.number().int().min(1).max(20),
  executorTimeoutMs: z.coerce.number().int().min(100).max(600_000),
  leaseMs: z.coerce.number().int().min(1_000).max(3_600_000),
  shutdownGraceMs: z.coerce.number().int().min(0).max(600_000),
  workerId: z.string().min(1).max(200).optional(),
  inspect: z.boolean(),
  maxStreamsPerPrincipal: z.coerce.number().int().min(1).max(10_000),
  proposalRate: z.coerce.number().int().min(0).max(1_000_000),
  proposalBurst: z.coerce.number().int().min(1).max(1_000_000),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
  demo: z.boolean().optional(),
  allowedHosts: z
    .string()
    .regex(/^[a-z0-9.:[\]-]+(,[a-z0-9.:[\]-]+)*$/i, 'host names separated by commas, e.g. localhost,127.0.0.1,gate.example.com')
    .optional(),
})
  // As the `demo` command: never a shared store, whose workers would serve the demo's made-up
  // approvals in the real queue (and run the ones approved there), beside the demo's admin token.
  .refine((options) => !(options.demo && options.db && /^postgres(ql)?:\/\//i.test(options.db)), {
    path: ['db'],
    message: '--demo runs on sqlite:PATH or memory: only — never on a shared PostgreSQL store, whose workers would serve (and run) its made-up approvals',
  });
type ServeOptions = z.infer<typeof ServeOptions>;

const DEMO_DB = 'sqlite:./tollgate-demo.db';
const DEMO_TOKENS = './tollgate-demo-tokens.json';

/**
 * `tollgate serve`: the HTTP API on a port, with the sweeper and graceful shutdown. Prints
 * exactly one line on standard output, `listening on http://HOST:PORT` (logs go to standard
 * error), or with `--demo` that line, the demo tokens and the demo tasks.
 * @example registerServeCommand(program); // tollgate serve --port 0 --db sqlite:./t.db --tokens tokens.json
 */
export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('serve the HTTP API (docs/API.md) and the visualizer')
    .option('--port <n>', 'port; 0 picks a free one', '3000')
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--db <url>', 'store: sqlite:PATH, a bare PATH, memory:, or postgres://… (?schema=NAME) (default sqlite:./tollgate.db)')
    .option('--tokens <file>', 'bearer tokens: [{ "token", "principal": { "id", "roles", "maxRisk"? } }]')
    .option('--policy <file>', 'policy file (default: the built-in policy)')
    .option('--sweep-interval-ms <ms>', 'how often deadlines are applied', '1000')
    .option('--executor-url <url>', 'POST cleared actions to this URL (default: record them as cleared)')
    .option('--executor-max-attempts <n>', 'attempts per action at the executor URL (backoff between)', '5')
    .option('--executor-timeout-ms <ms>', 'how long one attempt waits for the executor URL to answer (env TOLLGATE_EXECUTOR_AUTHORIZATION: its Authorization header)', '10000')
    .option('--log-level <level>', 'pino level of the request log on standard error', 'info')
    .option('--lease-ms <ms>', 'how long this worker holds a task it runs without a heartbeat: how soon another worker takes over a dead one’s tasks', '30000')
    .option('--shutdown-grace-ms <ms>', 'on SIGTERM: how long requests in flight, then executing tasks, then the store’s close are each waited for (a shutdown lasts at most ~3×)', '10000')
    .option('--no-inspect', 'no XState inspection stream (the visualizer’s inspector): saves ~0.1 ms of CPU per task')
    .option('--max-streams-per-principal <n>', 'open event streams (/api/v1/events and /api/v1/inspect) per principal; more are refused with 429', String(DEFAULT_REQUEST_LIMITS.maxStreamsPerPrincipal))
    .option('--proposal-rate <n>', `POST /api/v1/tasks tokens per second per principal (a proposal costs 1 per started ${DEFAULT_REQUEST_LIMITS.proposalBytesPerToken / 1024} KiB of body); 0: no limit`, String(DEFAULT_REQUEST_LIMITS.proposalsPerSecond))
    .option('--proposal-burst <n>', 'proposal tokens a principal may spend at once (its bucket)', String(DEFAULT_REQUEST_LIMITS.proposalBurst))
    .option('--worker-id <id>', 'this worker’s id in task leases (default: local on SQLite, unique per process on PostgreSQL)')
    .option('--allowed-hosts <names>', 'answer only requests whose Host is one of these names (comma-separated, e.g. localhost,127.0.0.1): against DNS rebinding; default any')
    .option('--demo', `demo mode: ${DEMO_DB}, tokens in ${DEMO_TOKENS} (made on first run), demo tasks parked`)
    .action(async (raw: Record<string, unknown>) => {
      const options = parseInput(ServeOptions, raw, 'serve options');
      await serve(options);
    });
}

async function serve(options: ServeOptions): Promise<void> {
  // Everything that can be wrong with the configuration fails here, before anything opens.
  const grants = readGrants(options);
  const policyFile = options.policy ? loadPolicyFile(options.policy) : undefined;
  const policy = policyFile ? policyRuntime(policyFile) : undefined;
  const logger = pino({ level: options.logLevel, base: { service: 'tollgate' } }, pino.destination({ dest: 2, sync: true }));
  // What `policy check` warns of, said where an operator looks: a detector off, a hard-deny typo.
  for (const warning of policyFile ? policyWarnings(policyFile) : []) logger.warn({ policy: options.policy, path: warning.path }, `policy: ${warning.message}`);
  const db = options.db ?? (options.demo ? DEMO_DB : 'sqlite:./tollgate.db');
  // The visualizer's inspector: XState's inspection stream of every task actor.
  const inspection = new InspectionHub();
  const engineOptions: Omit<EngineOptions, 'store'> = { logger };
  if (options.inspect) engineOptions.inspect = inspection.inspect;
  if (policy) engineOptions.policy = policy;
  engineOptions.leaseMs = options.leaseMs;
  if (options.workerId) engineOptions.workerId = options.workerId;
  if (options.executorUrl) {
    // From the environment, not a flag: a flag's value is visible to every user of the machine (ps).
    const authorization = process.env.TOLLGATE_EXECUTOR_AUTHORIZATION;
    engineOptions.executor = createHttpExecutor({
      url: options.executorUrl,
      maxAttempts: options.executorMaxAttempts,
      timeoutMs: options.executorTimeoutMs,
      ...(authorization ? { headers: { authorization } } : {}),
    });
  }
  // The store opens once the port is taken: a server that cannot listen has created, migrated
  // and run nothing (an old schema stays as it was, for the Tollgate that still reads it).
  let store: Store | undefined;
  let engine: Engine | undefined;
  const openEngine = async (): Promise<Engine> => {
    store = await openStore(db, { logger, newFileExpected: options.demo === true && options.db === undefined });
    logger.info({ store: describeStoreUrl(db), kind: store.kind, shared: store.shared }, 'store opened');
    engine = createEngine({ ...engineOptions, store });
    return engine;
  };
  // Before listening: a SIGTERM while starting (requests already waiting) still shuts down gracefully.
  const shutdown = shutdownOnSignal(logger);
  let server: RunningServer;
  try {
    server = await startServer({
      engine: openEngine,
      tokens: grants,
      logger,
      port: options.port,
      host: options.host,
      sweepIntervalMs: options.sweepIntervalMs,
      shutdownGraceMs: options.shutdownGraceMs,
      inspection,
      limits: { maxStreamsPerPrincipal: options.maxStreamsPerPrincipal, proposalsPerSecond: options.proposalRate, proposalBurst: options.proposalBurst },
      ...(options.allowedHosts ? { allowedHosts: options.allowedHosts.split(',') } : {}),
    });
  } catch (error) {
    shutdown.cancel();
    await engine?.close({ timeoutMs: 1_000 }).catch(() => undefined);
    await store?.close().catch(() => undefined);
    // Under `npm start` a bare `--port 3001` is npm's option (serve gets a stray `3001`): say how to pass it through.
    if (error instanceof ListenError && process.env.npm_lifecycle_event === 'start' && error.cause instanceof Error) {
      throw new ListenError(options.host, options.port, error.cause, 'npm start -- --port N');
    }
    throw error;
  }
  if (shutdown.attach(server)) return;
  if (options.demo && engine) {
    const tasks = await seedDemoTasks(engine);
    writeOut(`listening on ${server.url}\n`);
    writeOut(`visualizer: ${server.url}/ (paste a token from below)\n`);
    writeOut(`store: ${describeStoreUrl(db)}\n\n`);
    writeOut(`demo tokens (${resolve(options.tokens ?? DEMO_TOKENS)}):\n`);
    // The ceiling in force, defaults included: a blank read as "no limit" for an approver held to `high`.
    const decidesUpTo = (p: Principal) => (p.roles.includes('approver') || p.roles.includes('admin') ? decisionCeiling(p) : '-');
    writeOut(formatTable(['principal', 'roles', 'maxRisk', 'token'], grants.map((g) => [g.principal.id, g.principal.roles.join(','), decidesUpTo(g.principal), g.token])));
    writeOut(`\ndemo tasks:\n${formatTable(['task', 'state', 'title'], tasks.map((t) => [t.id, t.state, t.title]))}`);
    const approver = grants.find((g) => g.principal.id === 'alice') ?? grants[0];
    writeOut(`\ntry: TOLLGATE_URL=${server.url} TOLLGATE_TOKEN=${approver?.token} npx tollgate approvals ls\n`);
  } else {
    writeOut(`listening on ${server.url}\n`);
  }
}

function readGrants(options: ServeOptions): TokenGrant[] {
  if (options.tokens) return loadTokensFile(options.tokens);
  if (options.demo) return ensureDemoTokens(DEMO_TOKENS);
  throw new ValidationError('--tokens FILE is required (or --demo for demo tokens)');
}
