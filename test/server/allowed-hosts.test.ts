import { afterAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/engine.ts';
import { hostName } from '../../src/server/allowed-hosts.ts';
import { createApp } from '../../src/server/app.ts';
import { createMemoryStore } from '../../src/store/memory.ts';
import { GRANTS, tokenOf } from './support/app-harness.ts';

describe('allowed hosts (--allowed-hosts, against DNS rebinding)', () => {
  const engine = createEngine({ store: createMemoryStore() });
  const app = createApp({ engine, tokens: GRANTS, allowedHosts: ['localhost', '127.0.0.1', '[::1]', 'Gate.Example.com'] });
  const open = createApp({ engine, tokens: GRANTS });
  afterAll(() => engine.close());

  it('answers the names it serves, whatever the port or case', async () => {
    for (const host of ['localhost:3000', '127.0.0.1', '[::1]:3000', 'gate.example.com', 'GATE.EXAMPLE.COM:443']) {
      expect((await app.request('/healthz', { headers: { host } })).status, host).toBe(200);
    }
    const api = await app.request('/api/v1/tasks', { headers: { host: 'localhost:3000', authorization: `Bearer ${tokenOf('viewer')}` } });
    expect(api.status).toBe(200);
  });

  it('refuses any other name — a rebound attacker.example — with 403 problem+json, the token-free routes too', async () => {
    for (const path of ['/healthz', '/metrics', '/', '/api/v1/tasks']) {
      const refused = await app.request(path, { headers: { host: 'attacker.example:3000', authorization: `Bearer ${tokenOf('viewer')}` } });
      expect(refused.status, path).toBe(403);
      expect(refused.headers.get('content-type')).toBe('application/problem+json');
      expect(await refused.json()).toMatchObject({ code: 'forbidden', detail: expect.stringContaining('attacker.example') });
    }
    expect((await app.request('/healthz')).status).toBe(403);
  });

  it('is off unless asked for', async () => {
    expect((await open.request('/healthz', { headers: { host: 'attacker.example' } })).status).toBe(200);
  });

  it('reads host names without their port', () => {
    expect(hostName('Gate.Example.com:443')).toBe('gate.example.com');
    expect(hostName('[::1]:3000')).toBe('::1');
    expect(hostName('[::1]')).toBe('::1');
    expect(hostName('localhost')).toBe('localhost');
  });
});
