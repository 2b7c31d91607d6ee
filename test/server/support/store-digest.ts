import { createHash } from 'node:crypto';
import type { Store } from '../../../src/store/store.ts';

/**
 * A SHA-256 over everything a store holds that the API can change: every task row (with
 * revision, envelope and history), every approval, every journal event, every audit entry.
 * Two equal digests mean nothing was written in between.
 */
export async function storeDigest(store: Store): Promise<string> {
  const hash = createHash('sha256');
  let cursor: string | undefined;
  do {
    const page = await store.listTasks({ limit: 500, ...(cursor ? { cursor } : {}) });
    for (const task of page.items) hash.update(JSON.stringify(task));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  for (let offset = 0; ; offset += 500) {
    const page = await store.listApprovals({ offset, limit: 500 });
    for (const approval of page.items) hash.update(JSON.stringify(approval));
    if (offset + 500 >= page.total) break;
  }
  hash.update(JSON.stringify(await store.readEvents(0, 1_000_000)));
  hash.update(JSON.stringify(await store.readAudit({})));
  hash.update(String(await store.lastEventId()));
  return hash.digest('hex');
}
