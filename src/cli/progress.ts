import cliProgress from 'cli-progress';

/** A progress bar on a terminal; silent when output is not a terminal (CI, pipes). */
export interface Progress {
  increment(): void;
  stop(): void;
}

/**
 * A labelled progress bar.
 * @example const bar = createProgress('submit ', 100); bar.increment(); bar.stop();
 */
export function createProgress(label: string, total: number): Progress {
  if (!process.stdout.isTTY) return { increment() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    { format: `${label} [{bar}] {value}/{total} {percentage}%`, hideCursor: true, clearOnComplete: false },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0);
  return { increment: () => bar.increment(), stop: () => bar.stop() };
}
