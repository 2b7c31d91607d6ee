import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';

describe('tollgate main', () => {
  it('guards stdout against EPIPE once per process, however often it runs', async () => {
    const write = process.stdout.write;
    process.stdout.write = (() => true) as typeof process.stdout.write;
    try {
      await main(['node', 'tollgate', '--version']);
      const after = process.stdout.listenerCount('error');
      for (let run = 0; run < 12; run += 1) await main(['node', 'tollgate', '--version']);
      expect(process.stdout.listenerCount('error')).toBe(after);
    } finally {
      process.stdout.write = write;
      process.exitCode = 0;
    }
  });
});
