import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/engine.ts';
import { createApp } from '../../src/server/app.ts';
import { createMemoryStore } from '../../src/store/memory.ts';
import { GRANTS } from './support/app-harness.ts';

// Found by a new-user trial (README "Shutdown", on PostgreSQL): a decision whose execution
// outlived both graces of a SIGTERM was cut off and then answered 503 engine_closed — the
// documented step 5 — and the server logged it at error as 'request failed (a bug)', with a
// stack. A request the shutdown ended is not a bug: its own request line says 503 at warn.

describe('a request that meets the engine closed (the server shutting down)', () => {
  it('answers 503 engine_closed and logs no error line', async () => {
    const engine = createEngine({ store: createMemoryStore() });
    const lines: Array<{ level: number; msg?: string; status?: number }> = [];
    const app = createApp({ engine, tokens: GRANTS, logger: pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) }) });
    await engine.close();
    const agent = GRANTS.find((grant) => grant.principal.roles.includes('agent'))!;
    const response = await app.request('/api/v1/tasks', {
      method: 'POST',
      headers: { authorization: `Bearer ${agent.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ actionType: 'code:read', title: 'read' }),
    });
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ code: 'engine_closed' });
    expect(lines.filter((line) => line.level >= 50)).toEqual([]);
    expect(lines.find((line) => line.status === 503)).toMatchObject({ level: 40 });
  });
});
