import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/engine.ts';
import { createMemoryStore } from '../../src/store/memory.ts';

describe('createEngine options', () => {
  it.each([
    ['nothing', undefined, '(root)'],
    ['no store', {}, 'store'],
    ['a --db URL where a store was due', { store: 'sqlite:./tollgate.db' }, 'store'],
    ['a misspelt option', { store: createMemoryStore(), exectuor: { execute: async () => ({}) } }, 'exectuor'],
    ['a negative lease', { store: createMemoryStore(), leaseMs: -5 }, 'leaseMs'],
    // Found by a PostgreSQL trial: 500 passed the schema and then threw a bare RangeError.
    ['a lease under a second', { store: createMemoryStore(), leaseMs: 500 }, 'leaseMs'],
    ['an executor without execute', { store: createMemoryStore(), executor: { run: async () => ({}) } }, 'executor'],
    ['an executor whose idempotent is not a boolean (found by a README walkthrough)', { store: createMemoryStore(), executor: { idempotent: 'yes', execute: async () => ({}) } }, 'executor.idempotent'],
    ['an error-rate rule that can never trip', { store: createMemoryStore(), errorRateDowngrade: { threshold: 0.5, window: 5, minSamples: 10 } }, 'errorRateDowngrade.minSamples'],
  ])('refuses %s with a validation error naming the field', (_name, options, field) => {
    try {
      createEngine(options as never);
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ code: 'validation_failed' });
      expect((error as { issues: Array<{ path: string }> }).issues.map((issue) => issue.path)).toContain(field);
    }
  });

  it('takes good options', async () => {
    const engine = createEngine({ store: createMemoryStore(), leaseMs: 5_000, workerId: 'w1', errorRateDowngrade: false, executor: { idempotent: false, execute: async () => ({}) } });
    await engine.close();
  });
});
