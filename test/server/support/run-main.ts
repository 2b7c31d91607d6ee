import { vi } from 'vitest';
import { main } from '../../../src/cli/main.ts';

/** Runs `tollgate ARGS` in this process and captures what it prints and its exit code. */
export async function tollgate(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out += String(chunk);
    return true;
  });
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    err += String(chunk);
    return true;
  });
  try {
    process.exitCode = 0;
    await main(['node', 'tollgate', ...args]);
    return { code: Number(process.exitCode ?? 0), out, err };
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
    process.exitCode = 0;
  }
}

/** {@link tollgate} with its output named as a process's: `stdout`, `stderr`, `code`. */
export async function tollgateStd(...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  const { code, out, err } = await tollgate(...args);
  return { stdout: out, stderr: err, code };
}
