import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One call the gate made to the executor endpoint. */
export interface ExecutorCall {
  key: string;
  /** Unique per call; the gate stores the answer of the call that completed the task. */
  executionId: string;
  at: number;
  /** How many times the gate had been started when the call arrived (1 = first life). */
  life: number;
}

/**
 * The outside world of the torture test: a tiny HTTP endpoint that `tollgate serve
 * --executor-url` POSTs every cleared action to. It records each call with its
 * `Idempotency-Key` (the task id) and answers `{ executed: true, executionId }` after a short
 * random delay, so a kill can land while an action is executing.
 * @example const recorder = await ExecutorRecorder.start(); … recorder.keys();
 */
export class ExecutorRecorder {
  readonly calls: ExecutorCall[] = [];
  readonly url: string;
  /** Set by the driver on each (re)start of the gate. */
  life = 0;
  #server: Server;

  private constructor(server: Server, url: string) {
    this.#server = server;
    this.url = url;
  }

  static async start(options: { maxDelayMs?: number } = {}): Promise<ExecutorRecorder> {
    const maxDelayMs = options.maxDelayMs ?? 5;
    let recorder: ExecutorRecorder | undefined;
    let sequence = 0;
    const server = createServer((request, response) => {
      const key = request.headers['idempotency-key'];
      request.resume();
      request.on('end', () => {
        if (typeof key !== 'string' || !recorder) {
          response.writeHead(400).end('{"error":"no Idempotency-Key"}');
          return;
        }
        sequence += 1;
        const call: ExecutorCall = { key, executionId: `exec-${sequence}`, at: Date.now(), life: recorder.life };
        recorder.calls.push(call);
        setTimeout(() => {
          response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ executed: true, executionId: call.executionId }));
        }, Math.random() * maxDelayMs);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    recorder = new ExecutorRecorder(server, `http://127.0.0.1:${port}/execute`);
    return recorder;
  }

  /** Calls by idempotency key. */
  byKey(): Map<string, ExecutorCall[]> {
    const map = new Map<string, ExecutorCall[]>();
    for (const call of this.calls) {
      const list = map.get(call.key) ?? [];
      list.push(call);
      map.set(call.key, list);
    }
    return map;
  }

  close(): Promise<void> {
    this.#server.closeAllConnections();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}
