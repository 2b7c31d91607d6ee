/**
 * Reads one worker's whole SSE stream (`Last-Event-ID: 0`, so from the first event) in the
 * background and keeps every event id in arrival order, to check that a stream saw every
 * event once.
 * @example const sse = SseCollector.open(url, token); … await sse.until(lastId); sse.ids
 */
export class SseCollector {
  readonly ids: number[] = [];
  readonly types = new Map<number, string>();
  ended = false;
  #abort = new AbortController();
  #done: Promise<void>;

  private constructor(url: string, token: string) {
    this.#done = this.#read(url, token).catch(() => {
      this.ended = true;
    });
  }

  static open(url: string, token: string): SseCollector {
    return new SseCollector(url, token);
  }

  /** Waits until an event with this id (or a higher one) arrived; fails after `timeoutMs`. */
  async until(lastId: number, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while ((this.ids.at(-1) ?? 0) < lastId) {
      if (this.ended) throw new Error(`stream ended at ${this.ids.at(-1) ?? 0} before ${lastId}`);
      if (Date.now() > deadline) throw new Error(`stream at ${this.ids.at(-1) ?? 0} of ${lastId} after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async close(): Promise<void> {
    this.#abort.abort();
    await this.#done;
  }

  async #read(url: string, token: string): Promise<void> {
    const response = await fetch(`${url}/api/v1/events`, {
      headers: { authorization: `Bearer ${token}`, 'last-event-id': '0', accept: 'text/event-stream' },
      signal: this.#abort.signal,
    });
    if (!response.ok || !response.body) throw new Error(`SSE answered ${response.status}`);
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of response.body) {
      buffer += decoder.decode(chunk as Uint8Array, { stream: true });
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const id = /^id: ?(\d+)$/m.exec(block)?.[1];
        const type = /^event: ?(.+)$/m.exec(block)?.[1];
        if (id !== undefined) {
          this.ids.push(Number(id));
          if (type) this.types.set(Number(id), type);
        }
      }
    }
    this.ended = true;
  }
}
