import { spawn } from 'node:child_process';

/**
 * Runs `node ARGS` in a fresh process (its progress on our stderr) and resolves with the JSON
 * line it prints last on stdout; rejects, naming `label`, if it exits with an error. `env` is
 * added to this process's environment.
 * @example const line = await runJsonChild(['--expose-gc', RUN_TS, CELL, '--json'], 'tollgate/sqlite cell');
 */
export function runJsonChild<T>(args: readonly string[], label: string, env?: Record<string, string>): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'], env: env ? { ...process.env, ...env } : process.env });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`${label} exited with ${code}`));
      else resolve(JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as T);
    });
  });
}
