/** One Server-Sent Events message. */
export interface SseMessage {
  /** The last `id:` seen (it carries over to later messages, as in EventSource). */
  id: string | null;
  /** `event:`, default `message`. */
  event: string;
  data: string;
}

/**
 * An incremental parser of the `text/event-stream` format (the WHATWG rules EventSource
 * follows): feed it text as it arrives, in chunks cut anywhere, and it hands back whole
 * messages. Comments (`: heartbeat`) and `retry:` are skipped; CRLF, CR and LF all end lines.
 * @example
 * const parser = new SseParser();
 * parser.push('id: 7\nevent: task.parked\nda'); // []
 * parser.push('ta: {"taskId":"t-1"}\n\n');      // [{ id: '7', event: 'task.parked', data: '{"taskId":"t-1"}' }]
 */
export class SseParser {
  #buffer = '';
  #lastId: string | null = null;
  #event = '';
  #data: string[] = [];

  /** The last event id seen: send it back as `Last-Event-ID` when reconnecting. */
  get lastId(): string | null {
    return this.#lastId;
  }

  /** Parses what `text` completes; keeps an unfinished line for the next call. */
  push(text: string): SseMessage[] {
    this.#buffer += text;
    const messages: SseMessage[] = [];
    let start = 0;
    for (;;) {
      const end = lineEnd(this.#buffer, start);
      if (end === null) break;
      const line = this.#buffer.slice(start, end.at);
      start = end.next;
      const message = this.#line(line);
      if (message) messages.push(message);
    }
    this.#buffer = this.#buffer.slice(start);
    return messages;
  }

  #line(line: string): SseMessage | null {
    if (line === '') {
      if (this.#data.length === 0) {
        this.#event = '';
        return null;
      }
      const message = { id: this.#lastId, event: this.#event || 'message', data: this.#data.join('\n') };
      this.#event = '';
      this.#data = [];
      return message;
    }
    if (line.startsWith(':')) return null;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.#data.push(value);
    else if (field === 'event') this.#event = value;
    else if (field === 'id' && !value.includes('\0')) this.#lastId = value;
    return null;
  }
}

/** Where the line starting at `from` ends, and where the next starts; null if it has not ended yet. */
function lineEnd(text: string, from: number): { at: number; next: number } | null {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) return { at: i, next: i + 1 };
    if (c === 13) {
      // A CR at the very end may be the first half of CRLF: wait for more.
      if (i + 1 === text.length) return null;
      return { at: i, next: text.charCodeAt(i + 1) === 10 ? i + 2 : i + 1 };
    }
  }
  return null;
}
