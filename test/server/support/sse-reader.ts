/** One parsed Server-Sent Event. */
export interface SseEvent {
  id: number;
  event: string;
  data: any;
}

/**
 * Reads Server-Sent Events from a response body: `take(n)` resolves with the next n events
 * (comments such as heartbeats are counted in `comments`), `close()` cancels the body.
 */
export class SseReader {
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  readonly #decoder = new TextDecoder();
  #buffer = '';
  #events: SseEvent[] = [];
  comments: string[] = [];
  ended = false;

  constructor(body: ReadableStream<Uint8Array>) {
    this.#reader = body.getReader();
  }

  /** The next `count` events; fails after `timeoutMs`. */
  async take(count: number, timeoutMs = 5_000): Promise<SseEvent[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.#events.length < count) {
      if (this.ended) throw new Error(`stream ended after ${this.#events.length} of ${count} events`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out with ${this.#events.length} of ${count} events`);
      await this.#readChunk(left);
    }
    return this.#events.splice(0, count);
  }

  /** Reads until a comment line matching `pattern` arrives. */
  async waitForComment(pattern: RegExp, timeoutMs = 5_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.comments.some((comment) => pattern.test(comment))) {
      const left = deadline - Date.now();
      if (left <= 0 || this.ended) throw new Error(`no comment matching ${pattern}; saw ${this.comments.join(' | ')}`);
      await this.#readChunk(left);
    }
  }

  /** Events already parsed and not yet taken. */
  get pending(): number {
    return this.#events.length;
  }

  async close(): Promise<void> {
    await this.#reader.cancel().catch(() => undefined);
  }

  async #readChunk(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const result = await Promise.race([this.#reader.read(), timeout]);
    clearTimeout(timer);
    if (result === 'timeout') return;
    if (result.done) {
      this.ended = true;
      return;
    }
    this.#buffer += this.#decoder.decode(result.value, { stream: true });
    let end = this.#buffer.indexOf('\n\n');
    while (end >= 0) {
      this.#parseFrame(this.#buffer.slice(0, end));
      this.#buffer = this.#buffer.slice(end + 2);
      end = this.#buffer.indexOf('\n\n');
    }
  }

  #parseFrame(frame: string): void {
    const fields: Record<string, string> = {};
    for (const line of frame.split('\n')) {
      if (line.startsWith(':')) this.comments.push(line.slice(1).trim());
      else {
        const colon = line.indexOf(':');
        if (colon > 0) fields[line.slice(0, colon)] = line.slice(colon + 1).trimStart();
      }
    }
    if (fields.data !== undefined) {
      this.#events.push({ id: Number(fields.id), event: fields.event ?? 'message', data: JSON.parse(fields.data) });
    }
  }
}
