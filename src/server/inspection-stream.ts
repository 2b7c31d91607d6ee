import type { InspectionHub, StoredInspection } from './inspection-hub.ts';
import { SSE_HEADERS } from './sse.ts';

/** How an inspection stream behaves. */
export interface InspectionStreamOptions {
  /** Send records with `seq` above this first (from the hub's buffer); 0: all it keeps. */
  afterSeq: number;
  /** An idle stream sends a `: heartbeat` comment this often. */
  heartbeatMs: number;
  /** Ends the stream (server shutdown). */
  signal: AbortSignal;
  /** Records waiting for a slow client beyond this are dropped (oldest first) and counted. */
  maxQueued?: number;
  /** Called once when the stream ends, however it ends. */
  onEnd?: () => void;
}

/**
 * The inspection records of one task as Server-Sent Events: what the hub keeps (after
 * `afterSeq`), then live records, each `id: seq`, `event: inspection`, `data: record`. The
 * subscription is taken before the replay is read, so nothing falls between; a client that
 * does not keep up loses the oldest waiting records and gets `event: dropped` with how many.
 * @example return inspectionResponse(hub, 't-1', { afterSeq: 0, heartbeatMs: 15_000, signal });
 */
export function inspectionResponse(hub: InspectionHub, taskId: string, options: InspectionStreamOptions): Response {
  const maxQueued = options.maxQueued ?? 2_000;
  const encoder = new TextEncoder();
  let queue: StoredInspection[] = [];
  let dropped = 0;
  let ended = false;
  let wake: (() => void) | null = null;
  const unsubscribe = hub.subscribe(taskId, (record) => {
    queue.push(record);
    if (queue.length > maxQueued) {
      dropped += queue.length - maxQueued;
      queue = queue.slice(-maxQueued);
    }
    wake?.();
  });
  let cursor = options.afterSeq;
  const replay = hub.recent(taskId, cursor);
  const end = () => {
    if (ended) return;
    ended = true;
    unsubscribe();
    options.signal.removeEventListener('abort', end);
    wake?.();
    options.onEnd?.();
  };
  options.signal.addEventListener('abort', end, { once: true });
  if (options.signal.aborted) end();

  const frame = (records: StoredInspection[]) => {
    let text = '';
    for (const record of records) {
      if (record.seq <= cursor) continue;
      cursor = record.seq;
      text += `id: ${record.seq}\nevent: inspection\ndata: ${record.json}\n\n`;
    }
    return text;
  };
  const nextBatch = async (): Promise<string | null> => {
    for (;;) {
      if (ended) return null;
      if (dropped > 0 || queue.length > 0) {
        const lost = dropped;
        const taken = queue;
        queue = [];
        dropped = 0;
        const text = (lost > 0 ? `event: dropped\ndata: {"count":${lost}}\n\n` : '') + frame(taken);
        if (text !== '') return text;
        continue;
      }
      const woken = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => {
          wake = null;
          resolve(false);
        }, options.heartbeatMs);
        wake = () => {
          clearTimeout(timer);
          wake = null;
          resolve(true);
        };
      });
      if (!woken) return ': heartbeat\n\n';
    }
  };

  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(`retry: 2000\n: tollgate inspection of task ${JSON.stringify(taskId)}\n\n${frame(replay)}`));
    },
    async pull(controller) {
      const text = await nextBatch();
      try {
        if (text === null) {
          end();
          controller.close();
        } else controller.enqueue(encoder.encode(text));
      } catch {
        // The client went away while we waited: the stream is already cancelled.
        end();
      }
    },
    cancel() {
      end();
    },
  });
  return new Response(body, {
    status: 200,
    headers: SSE_HEADERS,
  });
}
