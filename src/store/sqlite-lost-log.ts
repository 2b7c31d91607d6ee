import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import { basename } from 'node:path';
import { StoreMisconfiguredError } from '../errors.ts';

/** The first 100 bytes of an SQLite file: its header. */
const HEADER_BYTES = 100;

/**
 * Refuses a store whose write-ahead log is gone: a database file in WAL mode whose header shows
 * no schema ever written to it (schema cookie and user_version 0), with no `-wal` beside it.
 *
 * Why: Tollgate's commits go to `FILE-wal` until a checkpoint moves them into the file; a server
 * killed before its first checkpoint leaves them all there. With that log deleted (or the `.db`
 * copied alone), the file reads as an empty database of schema 0, and opening it would migrate
 * it into a new, empty store — every task, approval and audit entry silently gone, exit 0. A new
 * store is never like this: SQLite writes its header when it makes the file, and a cleanly closed
 * store has its schema checkpointed into the file.
 * @throws StoreMisconfiguredError naming the file and what to do; nothing is opened or changed
 * @example refuseALostWriteAheadLog('./tollgate.db'); // before opening it
 */
export function refuseALostWriteAheadLog(path: string): void {
  if (existsSync(`${path}-wal`)) return;
  const header = readHeader(path);
  if (!header) return;
  const walMode = header[18] === 2 && header[19] === 2;
  const schemaCookie = header.readUInt32BE(40);
  const userVersion = header.readUInt32BE(60);
  if (!walMode || schemaCookie !== 0 || userVersion !== 0) return;
  const name = basename(path);
  throw new StoreMisconfiguredError(
    `${path} holds no schema, but is in WAL mode with no ${name}-wal beside it: a Tollgate store whose ${name}-wal was deleted or lost (its commits were in it), or a copy of the .db file alone. Nothing was changed: put ${name}-wal back, or restore a backup; to start an empty store instead, delete ${path}`,
  );
}

/** The file's header, or undefined when there is no file or it is shorter than one. */
function readHeader(path: string): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return undefined;
  }
  try {
    const header = Buffer.alloc(HEADER_BYTES);
    return readSync(fd, header, 0, HEADER_BYTES, 0) === HEADER_BYTES ? header : undefined;
  } finally {
    closeSync(fd);
  }
}
