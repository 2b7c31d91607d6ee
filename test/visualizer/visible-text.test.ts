import { describe, expect, it } from 'vitest';
import { visibleJson, visibleText } from '../../visualizer/src/logic/visible-text.ts';

describe('visibleText', () => {
  it('writes every character that would hide itself or reorder the page as an escape', () => {
    expect(visibleText('Deploy\u200b docs')).toBe('Deploy\\u200b docs');
    expect(visibleText('ok\x1b[2K\rDeploy\x07')).toBe('ok\\x1b[2K\\rDeploy\\x07');
    expect(visibleText('a\u202eb \u2066c\u2069 \ufeff\u00ad\u2028')).toBe('a\\u202eb \\u2066c\\u2069 \\ufeff\\xad\\u2028');
    expect(visibleText('line\nnext\tcell\u0085\u007f')).toBe('line\\nnext\\tcell\\x85\\x7f');
    // Tag characters spell ASCII no one sees ("ASCII smuggling"); Hangul fillers draw blank.
    expect(visibleText('hi\u{e0041}\u{e0042}\u3164')).toBe('hi\\u{e0041}\\u{e0042}\\u3164');
  });

  it('leaves ordinary text alone, look-alike letters and emoji included', () => {
    const text = 'Send to pаypal.com — ünïcödé, 日本語, עברית, 🚀';
    expect(visibleText(text)).toBe(text);
  });

  it('keeps line breaks and tabs of prose when asked', () => {
    expect(visibleText('one\ntwo\tthree\r\u200b', { prose: true })).toBe('one\ntwo\tthree\\r\\u200b');
  });
});

describe('visibleJson', () => {
  it('shows hidden characters of arguments as JSON escapes, and parses back to the same value', () => {
    const args = { file: 'invoice\u202efdp.exe', cmd: 'ls\u200b', nested: [{ tag: 'x\u{e0041}', bell: '\x07', del: '\x7f\u0085' }], plain: 'git status\nok' };
    const text = visibleJson(args);
    expect(text).toContain('"invoice\\u202efdp.exe"');
    expect(text).toContain('"x\\udb40\\udc41"');
    expect(text).toContain('"\\u007f\\u0085"');
    expect(text).not.toMatch(/[\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/u);
    expect(JSON.parse(text)).toEqual(args);
    expect(text.split('\n')[1]).toBe('  "file": "invoice\\u202efdp.exe",');
  });

  it('writes what JSON.stringify would for plain values', () => {
    const value = { branch: 'release/1.4', n: 3, ok: true, none: null };
    expect(visibleJson(value)).toBe(JSON.stringify(value, null, 2));
    expect(visibleJson(undefined)).toBe('null');
  });
});
