import { createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { storeUnavailableReason } from '../../src/store/store-outage.ts';
import { openPostgresStore } from '../../src/store/postgres.ts';

// A database host that takes the connection and never answers (a firewall dropping packets, a
// hung proxy): opening the store fails within its connect timeout, as an outage — it does not hang.

describe('the PostgreSQL store against a database that never answers', () => {
  it('gives up connecting after connectTimeoutMs, with an error that reads as store unavailable', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    try {
      const started = Date.now();
      const error = await openPostgresStore({ connectionString: `postgres://tollgate@127.0.0.1:${port}/test`, schema: 'never_made', connectTimeoutMs: 300 }).catch((e) => e);
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(error).toBeInstanceOf(Error);
      expect(storeUnavailableReason(error)).toBeDefined();
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it('refuses a connect timeout that is not a positive whole number of ms', async () => {
    await expect(openPostgresStore({ connectionString: 'postgres://tollgate@127.0.0.1:5432/test', connectTimeoutMs: 0 })).rejects.toMatchObject({ code: 'validation_failed' });
  });
});
