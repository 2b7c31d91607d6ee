import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { shutdownOnSignal } from '../../src/cli/shutdown-on-signal.ts';
import { createLogger } from '../../src/engine/logger.ts';
import type { RunningServer } from '../../src/server/server.ts';
import { StartupGate } from '../../src/server/startup-gate.ts';

const request = (path: string) => new Request(`http://127.0.0.1${path}`);
const answered = () => new Response('handled');

describe('StartupGate (requests that arrive while the server recovers)', () => {
  it('holds them until recovery is done, then runs them in order', async () => {
    const seen: string[] = [];
    const gate = new StartupGate((r) => {
      seen.push(new URL(r.url).pathname);
      return answered();
    });
    const first = gate.fetch(request('/api/v1/tasks/a'), {});
    const second = gate.fetch(request('/api/v1/tasks/b'), {});
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(seen).toEqual([]);
    gate.open();
    expect(await (await first).text()).toBe('handled');
    expect(await (await second).text()).toBe('handled');
    expect(seen).toEqual(['/api/v1/tasks/a', '/api/v1/tasks/b']);
    await gate.fetch(request('/api/v1/tasks/c'), {});
    expect(seen).toHaveLength(3);
  });

  it('answers them 503 (problem+json) when recovery fails, and every later one too', async () => {
    const handle = vi.fn(answered);
    const gate = new StartupGate(handle);
    const waiting = gate.fetch(request('/api/v1/approvals'), {});
    gate.fail();
    for (const response of [await waiting, await gate.fetch(request('/api/v1/tasks'), {})]) {
      expect(response.status).toBe(503);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      expect(await response.json()).toMatchObject({ code: 'engine_closed', detail: expect.stringMatching(/could not start/) });
    }
    expect(handle).not.toHaveBeenCalled();
  });

  it('lets liveness and metrics through at once', async () => {
    const gate = new StartupGate(answered);
    expect(await (await gate.fetch(request('/healthz'), {})).text()).toBe('handled');
    expect(await (await gate.fetch(request('/metrics'), {})).text()).toBe('handled');
  });

  it('before the app exists (the store still opening): liveness from the gate, metrics 503, the rest wait for it', async () => {
    const seen: string[] = [];
    const gate = new StartupGate();
    const health = await gate.fetch(request('/healthz'), {});
    expect([health.status, await health.json()]).toEqual([200, { status: 'ok' }]);
    const metrics = await gate.fetch(request('/metrics'), {});
    expect([metrics.status, ((await metrics.json()) as { code: string }).code, metrics.headers.get('retry-after')]).toEqual([503, 'store_unavailable', '1']);
    const waiting = gate.fetch(request('/api/v1/tasks'), {});
    gate.route((r) => {
      seen.push(new URL(r.url).pathname);
      return answered();
    });
    // The app exists: liveness and metrics are its own; the rest waits for recovery.
    expect(await (await gate.fetch(request('/metrics'), {})).text()).toBe('handled');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(seen).toEqual(['/metrics']);
    gate.open();
    expect(await (await waiting).text()).toBe('handled');
  });

  it('/readyz is 503 starting until the doors open, then the app answers it', async () => {
    const gate = new StartupGate(answered);
    const starting = await gate.fetch(request('/readyz'), {});
    expect([starting.status, await starting.json()]).toEqual([503, { status: 'unavailable', reason: 'starting' }]);
    gate.open();
    expect(await (await gate.fetch(request('/readyz'), {})).text()).toBe('handled');
    const failed = new StartupGate(answered);
    failed.fail();
    expect(await (await failed.fetch(request('/readyz'), {})).json()).toEqual({ status: 'unavailable', reason: 'could not start' });
  });
});

describe('shutdownOnSignal (tollgate serve)', () => {
  const server = () => ({ url: 'http://127.0.0.1:1', port: 1, close: vi.fn(async () => undefined) }) satisfies RunningServer;

  it('a signal while starting closes the server as soon as it is up, then exits 0', async () => {
    const signals = new EventEmitter();
    const exit = vi.fn();
    const shutdown = shutdownOnSignal(createLogger('silent'), exit, signals);
    signals.emit('SIGTERM');
    expect(exit).not.toHaveBeenCalled();
    const running = server();
    expect(shutdown.attach(running)).toBe(true);
    await vi.waitFor(() => expect(exit).toHaveBeenCalledWith(0));
    expect(running.close).toHaveBeenCalledTimes(1);
    // A second signal is Node's own again (it ends the process), no longer ours.
    expect(signals.listenerCount('SIGTERM') + signals.listenerCount('SIGINT')).toBe(0);
  });

  it('a signal once up closes the server; cancel() stops listening when it never came up', async () => {
    const signals = new EventEmitter();
    const exit = vi.fn();
    const running = server();
    expect(shutdownOnSignal(createLogger('silent'), exit, signals).attach(running)).toBe(false);
    signals.emit('SIGINT');
    await vi.waitFor(() => expect(exit).toHaveBeenCalledWith(0));
    const other = new EventEmitter();
    shutdownOnSignal(createLogger('silent'), exit, other).cancel();
    expect(other.listenerCount('SIGTERM') + other.listenerCount('SIGINT')).toBe(0);
  });
});
