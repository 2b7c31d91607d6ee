import { afterAll, beforeAll, describe } from 'vitest';
import { describeApprovals } from './conformance/approvals.ts';
import { describeAutonomy } from './conformance/autonomy.ts';
import { describeCopies } from './conformance/copies.ts';
import { type StoreConformanceInit, storeSubject } from './conformance/harness.ts';
import { describeJournal } from './conformance/journal.ts';
import { describeLeases } from './conformance/leases.ts';
import { describeLifecycle } from './conformance/lifecycle.ts';
import { describeReroutesWithoutAlternative, describeTaskListing } from './conformance/listing.ts';
import { describeRevisions } from './conformance/revisions.ts';
import { describeTaskRecords } from './conformance/tasks.ts';

export type { StoreConformanceInit } from './conformance/harness.ts';

/**
 * The behaviour every `Store` backend must have, as one parameterised vitest suite (after
 * LangGraph.js's checkpoint-validation). Each backend has a small test file that calls this
 * with its initializer; every test gets a fresh, empty store.
 *
 * @example
 * describeStoreConformance({ name: 'memory', createStore: async () => createMemoryStore() });
 */
export function describeStoreConformance(init: StoreConformanceInit): void {
  describe(`Store conformance: ${init.name}`, () => {
    if (init.beforeAll) beforeAll(() => init.beforeAll?.());
    if (init.afterAll) afterAll(() => init.afterAll?.());
    const subject = storeSubject(init);
    describeTaskRecords(subject);
    describeRevisions(subject);
    describeApprovals(subject);
    describeTaskListing(subject);
    describeJournal(subject);
    describeCopies(subject);
    describeLifecycle(subject);
    describeAutonomy(subject);
    describeLeases(subject);
    describeReroutesWithoutAlternative(subject);
  });
}
