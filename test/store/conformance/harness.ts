import { afterEach, beforeEach, expect } from 'vitest';
import type { GateError } from '../../../src/errors.ts';
import type { Approval } from '../../../src/model/approval.ts';
import type { AuditEntry, LifecycleEvent } from '../../../src/model/lifecycle-event.ts';
import type { Store } from '../../../src/store/store.ts';
import type { TaskRecord } from '../../../src/store/task-record.ts';

/**
 * How the conformance suite gets stores of one backend, after LangGraph.js's
 * checkpoint-validation initializers.
 */
export interface StoreConformanceInit {
  /** Shown in test names, e.g. `sqlite`. */
  name: string;
  beforeAll?(): Promise<void>;
  /** A new, empty store. Called once per test. */
  createStore(): Promise<Store>;
  /**
   * Durable backends only: a new handle on the same data (e.g. close and open the same file).
   * The suite uses the returned store from then on. Without it, the durability tests are not
   * registered.
   */
  reopenStore?(store: Store): Promise<Store>;
  afterAll?(): Promise<void>;
}

/** The store of the running test. */
export interface StoreSubject {
  readonly store: Store;
  readonly durable: boolean;
  /** Swaps the store for a reopened handle on the same data. */
  reopen(): Promise<Store>;
}

/** Registers per-test setup and teardown: a fresh store before each test, closed after it. */
export function storeSubject(init: StoreConformanceInit): StoreSubject {
  let current: Store | null = null;
  beforeEach(async () => {
    current = await init.createStore();
  });
  afterEach(async () => {
    await current?.close();
    current = null;
  });
  return {
    get store(): Store {
      if (current === null) throw new Error('no store outside a test');
      return current;
    },
    durable: init.reopenStore !== undefined,
    async reopen(): Promise<Store> {
      if (!init.reopenStore || current === null) throw new Error(`${init.name} cannot be reopened`);
      current = await init.reopenStore(current);
      return current;
    },
  };
}

/** Everything a store holds, read through its own API: to check that a failed write changed nothing. */
export interface StoreContents {
  tasks: TaskRecord[];
  approvals: Approval[];
  events: LifecycleEvent[];
  audit: AuditEntry[];
  lastEventId: number;
}

const ALL = 1_000_000;

/** Reads a store's whole contents. */
export async function contentsOf(store: Store): Promise<StoreContents> {
  return {
    tasks: (await store.listTasks({ limit: ALL })).items,
    approvals: (await store.listApprovals({ offset: 0, limit: ALL })).items,
    events: await store.readEvents(0, ALL),
    audit: await store.readAudit({}),
    lastEventId: await store.lastEventId(),
  };
}

/** Asserts that a promise rejects with this error class and code, and returns the error. */
export async function expectRejection<E extends GateError>(
  promise: Promise<unknown>,
  errorClass: abstract new (...args: never[]) => E,
  code: GateError['code'],
): Promise<E> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(errorClass);
  expect((error as GateError).code).toBe(code);
  return error as E;
}

/** The outcomes of settled promises, by kind. */
export function partition<T>(results: PromiseSettledResult<T>[]): { fulfilled: T[]; rejected: unknown[] } {
  const fulfilled: T[] = [];
  const rejected: unknown[] = [];
  for (const result of results) {
    if (result.status === 'fulfilled') fulfilled.push(result.value);
    else rejected.push(result.reason);
  }
  return { fulfilled, rejected };
}
