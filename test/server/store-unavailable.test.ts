import { describe, expect, it } from 'vitest';
import { asStoreUnavailable, ConflictError, failureSummary, GateError, StoreUnavailableError, storeUnavailableReason } from '../../src/errors.ts';

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
