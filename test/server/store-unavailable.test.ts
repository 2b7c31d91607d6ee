import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createEngine } from '../../src/engine/engine.ts';
import type { Engine } from '../../src/engine/engine-types.ts';
import { ConflictError, GateError, StoreUnavailableError } from '../../src/errors.ts';
import { asStoreUnavailable, failureSummary, storeUnavailableReason } from '../../src/store/store-outage.ts';
import { createApp, type TollgateApp } from '../../src/server/app.ts';
import { READINESS_TIMEOUT_MS } from '../../src/server/routes/readiness.ts';
import { createMemoryStore } from '../../src/store/memory.ts';
import { connectionRefused, StoreOutage } from '../support/outage-store.ts';
import { GRANTS, PROPOSALS, problemCode, tokenOf, type Who } from './support/app-harness.ts';

const coded = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('store unavailability (errors.ts)', () => {
  it('knows an outage by its errno, SQLSTATE, SQLite code or pg sentence', () => {
    const outages: [unknown, string][] = [
      [coded('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'), 'ECONNREFUSED'],
      [coded('read ECONNRESET', 'ECONNRESET'), 'ECONNRESET'],
      [coded('connect ETIMEDOUT', 'ETIMEDOUT'), 'ETIMEDOUT'],
      [coded('terminating connection due to administrator command', '57P01'), '57P01'],
      [coded('the database system is starting up', '57P03'), '57P03'],
      [coded('connection failure', '08006'), '08006'],
      [coded('sorry, too many clients already', '53300'), '53300'],
      [coded('cannot execute INSERT in a read-only transaction', '25006'), '25006'],
      [new Error('Connection terminated unexpectedly'), 'Connection terminated unexpectedly'],
      [new Error('timeout exceeded when trying to connect'), 'timeout exceeded when trying to connect'],
      [coded('database is locked', 'SQLITE_BUSY'), 'SQLITE_BUSY'],
      [coded('disk I/O error', 'SQLITE_IOERR_WRITE'), 'SQLITE_IOERR_WRITE'],
      [coded('database or disk is full', 'SQLITE_FULL'), 'SQLITE_FULL'],
      // localhost with two addresses: one error per address, in an AggregateError with an empty message.
      [new AggregateError([coded('connect ECONNREFUSED ::1:5432', 'ECONNREFUSED'), coded('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')], ''), 'ECONNREFUSED'],
      [new Error('the commit failed', { cause: coded('read ECONNRESET', 'ECONNRESET') }), 'ECONNRESET'],
    ];
    for (const [error, reason] of outages) {
      expect(storeUnavailableReason(error), String(error)).toBe(reason);
      const typed = asStoreUnavailable(error);
      expect(typed).toBeInstanceOf(StoreUnavailableError);
      expect([typed?.code, typed?.reason, typed?.retryAfterSeconds, typed?.cause]).toEqual(['store_unavailable', reason, 5, error]);
    }
  });

  it('keeps bugs and refusals what they are', () => {
    const others: unknown[] = [
      new TypeError("Cannot read properties of undefined (reading 'id')"),
      coded('duplicate key value violates unique constraint', '23505'),
      coded('syntax error at or near "SELEC"', '42601'),
      coded('could not serialize access', '40001'),
      coded('UNIQUE constraint failed: tasks.id', 'SQLITE_CONSTRAINT_PRIMARYKEY'),
      coded('no such table: tasks', 'SQLITE_ERROR'),
      new ConflictError('not_pending', 'approval a-1 is not pending'),
      // Raised on purpose with a code of ours: never reclassified, whatever its message.
      new GateError('internal', 'Connection terminated unexpectedly'),
      'a string',
      null,
    ];
    for (const error of others) {
      expect(storeUnavailableReason(error), String(error)).toBeUndefined();
      expect(asStoreUnavailable(error)).toBeUndefined();
    }
    const already = new StoreUnavailableError('SQLITE_FULL');
    expect(asStoreUnavailable(already)).toBe(already);
  });

  it('summarises an error for a log line without its stack', () => {
    expect(failureSummary(coded('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'))).toEqual({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:5432' });
    expect(failureSummary(new AggregateError([new Error('a'), new Error('b')], ''))).toEqual({ message: 'a; b' });
    expect(failureSummary('plain')).toEqual({ message: 'plain' });
  });
});

describe('a store outage over HTTP: 503 store_unavailable, not 500 internal', () => {
  const lines: Record<string, unknown>[] = [];
  let outage: StoreOutage;
  let engine: Engine;
  let app: TollgateApp;
  const call = async (method: string, path: string, who: Who | null = 'agent', body?: unknown) => {
    const headers: Record<string, string> = who ? { authorization: `Bearer ${tokenOf(who)}` } : {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await app.request(path, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : null, text };
  };

  beforeEach(() => {
    lines.length = 0;
    outage = new StoreOutage(createMemoryStore());
    const logger = pino({ level: 'debug' }, { write: (line: string) => lines.push(JSON.parse(line)) });
    engine = createEngine({ store: outage.store, logger });
    app = createApp({ engine, tokens: GRANTS, logger });
  });
  afterEach(async () => {
    outage.restore();
    await engine.close({ timeoutMs: 1_000 });
    await outage.store.close();
  });

  it('answers proposals, lists and decisions 503 with Retry-After and all five fields, one warn line each without a stack', async () => {
    const parked = (await call('POST', '/api/v1/tasks', 'agent', PROPOSALS.human)).body.task;
    expect(parked.state).toBe('parked');
    outage.failWith(connectionRefused());
    lines.length = 0;
    const answers = [
      await call('POST', '/api/v1/tasks', 'agent', PROPOSALS.auto),
      await call('GET', '/api/v1/tasks'),
      await call('GET', `/api/v1/tasks/${parked.id}`),
      await call('POST', `/api/v1/approvals/${parked.approvalId}/approve`, 'alice', {}),
      await call('GET', '/api/v1/approvals', 'alice'),
      await call('GET', '/api/v1/audit', 'viewer'),
    ];
    for (const answer of answers) {
      expect([answer.status, problemCode({ ...answer, body: answer.body })]).toEqual([503, 'store_unavailable']);
      expect(answer.body).toMatchObject({ type: 'urn:tollgate:problem:store_unavailable', title: 'Service Unavailable', status: 503 });
      expect(answer.body.detail).toMatch(/the store is unavailable \(ECONNREFUSED\)/);
      expect(answer.headers.get('retry-after')).toBe('5');
    }
    // One line per request, at warn, with the reason and no stack; nothing at error.
    const requestIds = answers.map((answer) => answer.headers.get('x-request-id'));
    for (const id of requestIds) {
      const about = lines.filter((line) => line.reqId === id);
      expect(about).toEqual([expect.objectContaining({ level: 40, code: 'store_unavailable', reason: 'ECONNREFUSED', status: 503 })]);
    }
    expect(lines.filter((line) => (line.level as number) >= 50)).toEqual([]);
    // (At debug the engine says which task run ended, with the error whole: not what an operator reads.)
    expect(JSON.stringify(lines.filter((line) => (line.level as number) >= 30))).not.toMatch(/"stack"|\\n\s+at /);

    // Back: the same requests work, and the parked task was never touched.
    outage.restore();
    expect((await call('GET', `/api/v1/tasks/${parked.id}`)).body.state).toBe('parked');
    expect((await call('POST', `/api/v1/approvals/${parked.approvalId}/approve`, 'alice', {})).status).toBe(200);
  });

  it('keeps a real bug a 500 internal, logged at error with its stack', async () => {
    outage.failWith(new TypeError("Cannot read properties of undefined (reading 'id')"));
    const answer = await call('GET', '/api/v1/tasks');
    expect([answer.status, answer.body.code, answer.headers.get('retry-after')]).toEqual([500, 'internal', null]);
    expect(lines.find((line) => line.level === 50 && (line.err as { stack?: string })?.stack)).toBeDefined();
  });

  it('/healthz stays liveness; /readyz says whether the store answers, without secrets', async () => {
    expect([(await call('GET', '/readyz', null)).status, (await call('GET', '/readyz', null)).body]).toEqual([200, { status: 'ready' }]);
    // pg names the host in its messages, and an embedder's error might carry a URL: only the code goes out.
    outage.failWith(Object.assign(new Error('connect ECONNREFUSED postgres://tollgate:s3cret@db:5432/tollgate'), { code: 'ECONNREFUSED' }));
    const health = await call('GET', '/healthz', null);
    expect([health.status, health.body]).toEqual([200, { status: 'ok' }]);
    const ready = await call('GET', '/readyz', null);
    expect([ready.status, ready.body]).toEqual([503, { status: 'unavailable', reason: 'the store is unavailable (ECONNREFUSED)' }]);
    expect(ready.text).not.toMatch(/s3cret|postgres:/);
    outage.restore();
    expect((await call('GET', '/readyz', null)).status).toBe(200);
  });

  it('/readyz answers 503 within about a second when the store hangs', async () => {
    outage.hang();
    // On a simulated clock (no wall-clock bound to flake on a loaded machine): no answer a
    // millisecond before the readiness timeout, the 503 at it.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      let answered = false;
      const pending = call('GET', '/readyz', null).finally(() => {
        answered = true;
      });
      await vi.advanceTimersByTimeAsync(READINESS_TIMEOUT_MS - 1);
      expect(answered).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      // The answer is a few turns of the event loop away (setImmediate is not faked), never later time.
      for (let turn = 0; turn < 10 && !answered; turn += 1) await new Promise((resolve) => setImmediate(resolve));
      expect(answered).toBe(true);
      const ready = await pending;
      expect([ready.status, ready.body]).toEqual([503, { status: 'unavailable', reason: `the store did not answer within ${READINESS_TIMEOUT_MS} ms` }]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('OpenAPI lists 503 store_unavailable (with Retry-After) on the routes that use the store, and /readyz', async () => {
    const doc = (await call('GET', '/api/v1/openapi.json', 'viewer')).body;
    for (const [path, method] of [
      ['/api/v1/tasks', 'post'],
      ['/api/v1/tasks', 'get'],
      ['/api/v1/tasks/{id}', 'get'],
      ['/api/v1/approvals/{id}/approve', 'post'],
      ['/api/v1/events', 'get'],
      ['/api/v1/audit/verify', 'get'],
      ['/api/v1/autonomy', 'post'],
    ] as const) {
      const unavailable = doc.paths[path][method].responses['503'];
      expect(unavailable?.description, `${method} ${path}`).toContain('store_unavailable');
      expect(unavailable.headers['Retry-After']).toBeDefined();
    }
    for (const path of ['/healthz', '/metrics', '/api/v1/machines/task', '/api/v1/openapi.json']) expect(doc.paths[path].get.responses['503'], path).toBeUndefined();
    const readyz = doc.paths['/readyz'].get;
    expect(readyz.security).toEqual([]);
    expect(Object.keys(readyz.responses).sort()).toEqual(['200', '503']);
    expect(JSON.stringify(readyz.responses['503'])).toContain('#/components/schemas/Readiness');
  });
});
