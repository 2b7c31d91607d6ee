import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { GATE_NODE_FLAGS } from '../../src/util/v8-tuning.ts';

describe('GATE_NODE_FLAGS', () => {
  it('are flags this Node accepts: a misspelt one would stop every process started with them', () => {
    const run = spawnSync(process.execPath, [...GATE_NODE_FLAGS, '-e', 'process.stdout.write(String(require("v8").getHeapStatistics().total_available_size > 0))'], {
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('true');
  });

});
