/** One heap/disk reading taken while parking (the workers are paused for it). */
export interface ParkCheckpoint {
  parked: number;
  /** Seconds since parking began (checkpoint pauses excluded). */
  seconds: number;
  /** Tasks/s over the segment since the checkpoint before. */
  segmentPerSecond: number;
  /** `heapUsed` after a full GC. */
  heapUsedBytes: number;
  /** The database file with its WAL. */
  dbBytes: number;
  /** The machine's 1-minute load average then (other work on the machine skews the rates). */
  load1: number;
}

/** p50/p99 of one listing query, repeated. */
export interface ListingFigure {
  label: string;
  /** `approvals` (offset pages), `approvals-after` (keyset pages: after the approval at that depth) or `tasks` (keyset pages by cursor). */
  kind: 'approvals' | 'approvals-after' | 'tasks';
  offset: number;
  filter: string;
  reps: number;
  p50Ms: number;
  p99Ms: number;
  /** `total` the page reported (approvals only). */
  total?: number;
}

/** A bulk operation (expire, resume). */
export interface BulkFigure {
  count: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  heapUsedBytesAfter: number;
}

/** Everything one `--scale N` run measured; `bench/scale/chart.ts` draws these. */
export interface ScaleResult {
  n: number;
  date: string;
  node: string;
  cpus: number;
  synchronous: 'FULL' | 'NORMAL';
  concurrency: number;
  park: { seconds: number; perSecond: number; p50Ms: number; p99Ms: number; checkpoints: ParkCheckpoint[] };
  listing: ListingFigure[];
  expire: BulkFigure;
  resume: BulkFigure;
  /** Opening the store again and `engine.recover()` on the full database. */
  reopenSeconds: number;
  audit: { entries: number; seconds: number; ok: boolean };
  dbBytes: { afterPark: number; final: number };
  /** Approval counts by status at the end, as `listApprovals` reports them. */
  finalCounts: Record<string, number>;
}
