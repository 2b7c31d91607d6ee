import { join } from 'node:path';
import type { BaseCheckpointSaver } from '@langchain/langgraph';
import { MemorySaver } from '@langchain/langgraph';
import { SqliteSaver } from '@langchain/langgraph-checkpoint-sqlite';
import type { BenchStore } from '../../options.ts';

/** A checkpointer opened for one benchmark run. */
export interface OpenedSaver {
  saver: BaseCheckpointSaver;
  /** How the saver persists, as read from it (SQLite pragmas); empty for memory. */
  settings(): Record<string, string>;
  close(): void;
}

const SYNCHRONOUS = ['OFF', 'NORMAL', 'FULL', 'EXTRA'];

/**
 * LangGraph's checkpointers as their packages configure them: `MemorySaver`, and
 * `SqliteSaver.fromConnString` on a new file in `dir` (it switches the file to WAL and leaves
 * every other setting at better-sqlite3's defaults).
 * @example const { saver, close } = langGraphSavers(dir).sqlite();
 */
export function langGraphSavers(dir: string): Record<BenchStore, () => OpenedSaver> {
  let files = 0;
  return {
    memory: () => ({ saver: new MemorySaver(), settings: () => ({}), close: () => {} }),
    sqlite: () => {
      files += 1;
      const saver = SqliteSaver.fromConnString(join(dir, `langgraph-${files}.db`));
      return {
        saver,
        // Read after the saver's lazy setup ran (its first call): that is when it sets WAL.
        settings: () => ({
          journal_mode: String(saver.db.pragma('journal_mode', { simple: true })),
          synchronous: SYNCHRONOUS[Number(saver.db.pragma('synchronous', { simple: true }))] ?? 'unknown',
        }),
        close: () => saver.db.close(),
      };
    },
  };
}
