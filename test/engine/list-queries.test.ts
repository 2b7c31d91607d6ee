import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/engine.ts';
import { openSqliteStore } from '../../src/store/sqlite.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_ACTIONS, testPolicy } from '../support/test-policy.ts';

describe('engine lists, as an embedder calls them', () => {
  it('pages with defaults when offset and limit are left out, and refuses a bad query with a validation error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tollgate-lists-'));
    const store = await openSqliteStore({ path: join(dir, 't.db') });
    const engine = createEngine({ store, policy: testPolicy() });
    try {
      for (let i = 0; i < 3; i++) await engine.submit({ actionType: TEST_ACTIONS.human, title: `push ${i}`, args: { i }, agentId: 'bot' });
      expect((await engine.listApprovals({ status: 'pending' })).items).toHaveLength(3);
      expect((await engine.listApprovals()).total).toBe(3);
      expect((await engine.list()).items).toHaveLength(3);
      for (const bad of [{ limit: '10' }, { offset: -1 }, { status: 'open' }, { limit: 0 }, { limitt: 5 }]) {
        await expect(engine.listApprovals(bad as never)).rejects.toMatchObject({ code: 'validation_failed' });
      }
      await expect(engine.list({ state: 'asleep' } as never)).rejects.toMatchObject({ code: 'validation_failed' });
    } finally {
      await engine.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
