import { describe, expect, it } from 'vitest';
import { SseParser } from '../../visualizer/src/api/sse-parser.ts';

describe('SseParser', () => {
  it('parses messages cut anywhere, skipping comments and retry', () => {
    const text = 'retry: 2000\n: tollgate events after id 0\n\nid: 7\nevent: task.parked\ndata: {"taskId":"t-1"}\n\n: heartbeat\n\nid: 8\nevent: task.completed\ndata: {"a":1}\ndata: {"b":2}\n\n';
    for (let cut = 0; cut < text.length; cut++) {
      const parser = new SseParser();
      const messages = [...parser.push(text.slice(0, cut)), ...parser.push(text.slice(cut))];
      expect(messages).toEqual([
        { id: '7', event: 'task.parked', data: '{"taskId":"t-1"}' },
        { id: '8', event: 'task.completed', data: '{"a":1}\n{"b":2}' },
      ]);
      expect(parser.lastId).toBe('8');
    }
  });

  it('accepts CRLF and CR line ends and defaults the event name', () => {
    const parser = new SseParser();
    expect(parser.push('data: one\r\n\r\ndata:two\r\r: comment\n')).toEqual([
      { id: null, event: 'message', data: 'one' },
      { id: null, event: 'message', data: 'two' },
    ]);
  });

  it('waits when a chunk ends in a CR that may start a CRLF', () => {
    const parser = new SseParser();
    expect(parser.push('data: x\r')).toEqual([]);
    expect(parser.push('\n\r\n')).toEqual([{ id: null, event: 'message', data: 'x' }]);
  });
});
