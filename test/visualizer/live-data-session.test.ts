import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Principal } from '../../visualizer/src/api/types.ts';
import { LiveData } from '../../visualizer/src/app/live-data.ts';
import { tokenStore } from '../../visualizer/src/app/token-store.ts';

const ALICE = 'alice-token-0000000000000000';
const CAROL = 'carol-token-0000000000000000';
const alice = { id: 'alice', roles: ['approver'] } as Principal;
const carol = { id: 'carol', roles: ['approver'] } as Principal;

/** A fake server: every request waits until the test answers it; the event stream never answers. */
function fakeServer() {
  const waiting: Array<{ path: string; token: string | null; answer(status: number, body: unknown): void }> = [];
  const fetch = vi.fn(async (path: string, init: RequestInit & { signal?: AbortSignal }) => {
    const token = ((init.headers ?? {}) as Record<string, string>).authorization?.replace(/^Bearer /, '') ?? null;
    if (path === '/api/v1/events') {
      return new Promise<Response>((_, reject) => init.signal?.addEventListener('abort', () => reject(new Error('aborted'))));
    }
    if (path === '/api/v1/machines/task') return new Response(JSON.stringify({ states: [] }), { status: 200 });
    return new Promise<Response>((resolve) => {
      waiting.push({ path, token, answer: (status, body) => resolve(new Response(JSON.stringify(body), { status })) });
    });
  });
  return { fetch, waiting };
}

/** Live data signed in with `token` as `principal`, over a fake server; `signedOut` records its sign-outs. */
async function signedIn(token: string, principal: Principal) {
  const server = fakeServer();
  vi.stubGlobal('fetch', server.fetch);
  const live = new LiveData();
  const signedOut = vi.fn();
  live.bus.on('signedOut', signedOut);
  tokenStore.set(token);
  await live.start(principal);
  return { server, live, signedOut };
}

describe('the page’s live data across a sign-out and a sign-in', () => {
  let storage: Map<string, string>;
  beforeEach(() => {
    storage = new Map();
    vi.stubGlobal('sessionStorage', {
      getItem: (key: string) => storage.get(key) ?? null,
      setItem: (key: string, value: string) => storage.set(key, value),
      removeItem: (key: string) => storage.delete(key),
    });
  });
  afterEach(() => vi.unstubAllGlobals());

  // Found by the browser test failing in CI under load: the page stuck on "Connecting…" after
  // signing in as someone else, then back at the sign-in form.
  it('a refresh due when one signs out sends nothing, and signs nobody out', async () => {
    const { server, live, signedOut } = await signedIn(ALICE, alice);
    live.stop();
    tokenStore.clear();
    const due = live.loadQueue();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(server.waiting.map((request) => request.path)).toEqual([]);
    await due;
    expect(signedOut).not.toHaveBeenCalled();
  });

  it('a 401 to a request of an earlier session does not sign out the one signed in now', async () => {
    const { server, live, signedOut } = await signedIn(ALICE, alice);
    const stale = live.loadQueue();
    await vi.waitFor(() => expect(server.waiting.length).toBeGreaterThan(0));
    const alices = [...server.waiting];
    // Alice signs out and carol signs in before the answers to alice's requests come back: 401s
    // (alice's token was revoked meanwhile, say).
    live.stop();
    tokenStore.clear();
    tokenStore.set(CAROL);
    await live.start(carol);
    for (const request of alices) request.answer(401, { type: 'about:blank', title: 'Unauthorized', status: 401, code: 'unauthorized', detail: 'revoked' });
    await stale;

    expect(alices.every((request) => request.token === ALICE)).toBe(true);
    expect(signedOut).not.toHaveBeenCalled();
    expect(tokenStore.get()).toBe(CAROL);
    live.stop();
  });

  it('a 401 to a request of the session signed in now signs it out, as before', async () => {
    const { server, live, signedOut } = await signedIn(CAROL, carol);
    const load = live.loadQueue();
    await vi.waitFor(() => expect(server.waiting.length).toBeGreaterThan(0));
    for (const request of server.waiting) request.answer(401, { type: 'about:blank', title: 'Unauthorized', status: 401, code: 'unauthorized', detail: 'token revoked' });
    await load;
    expect(signedOut).toHaveBeenCalledTimes(1);
    expect(tokenStore.get()).toBeNull();
  });
});
