import { describe, expect, expectTypeOf, it } from 'vitest';
import * as tollgate from '../../src/index.ts';
import type { ApprovalListQuery, Engine, EngineOptions, ErrorRateRule, Executor, HttpExecutor, PolicyAutonomy, PolicyRuntime, TaskListQuery } from '../../src/index.ts';

// What the public API's signatures and TSDoc name is exported by it: a host can name the types
// of its own variables (a query it builds, the rule it passes), and find the default the docs
// point to. Found by a trial of the README's Embedding section. The type-level half is checked
// by `tsc --noEmit` (this file does not compile when a name is missing).

describe('the public exports', () => {
  it('include the default error-rate rule that EngineOptions.errorRateDowngrade names', () => {
    expect(tollgate.DEFAULT_ERROR_RATE_RULE).toEqual({ threshold: 0.5, window: 20, minSamples: 10 });
    const rule: ErrorRateRule = { ...tollgate.DEFAULT_ERROR_RATE_RULE, threshold: 0.8 };
    expectTypeOf<EngineOptions['errorRateDowngrade']>().toEqualTypeOf<ErrorRateRule | false | undefined>();
    expect(rule.threshold).toBe(0.8);
  });

  it('include the query types of engine.list and engine.listApprovals, and the autonomy of a PolicyRuntime', () => {
    const tasks: TaskListQuery = { state: 'parked', limit: 10 };
    const approvals: ApprovalListQuery = { status: 'pending', riskAtMost: 'high' };
    expectTypeOf<Parameters<Engine['list']>[0]>().toEqualTypeOf<TaskListQuery | undefined>();
    expectTypeOf<Parameters<Engine['listApprovals']>[0]>().toEqualTypeOf<ApprovalListQuery | undefined>();
    expectTypeOf<PolicyRuntime['autonomy']>().toEqualTypeOf<PolicyAutonomy>();
    expect([tasks, approvals]).toHaveLength(2);
  });

  it("type an executor by what it may return (checked at run time), and the HTTP executor's by its JSON", () => {
    // The README: a Date becomes its ISO string, an undefined result null, an undefined property is left out.
    const executor: Executor = { execute: async () => ({ at: new Date(0), skipped: undefined }) };
    const silent: Executor = { execute: async () => undefined };
    const platform = { run: async (): Promise<unknown> => ({ ok: true }) };
    const delegating: Executor = { idempotent: true, execute: async () => platform.run() };
    expectTypeOf<ReturnType<HttpExecutor['execute']>>().toEqualTypeOf<Promise<tollgate.JsonValue>>();
    expect([executor, silent, delegating].every((each) => typeof each.execute === 'function')).toBe(true);
  });
});
