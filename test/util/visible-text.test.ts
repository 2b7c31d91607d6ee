import { describe, expect, it } from 'vitest';
import { visibleJson, visibleText } from '../../src/util/visible-text.ts';

describe('visibleText', () => {
  it('writes every character that would hide itself or reorder the page as an escape', () => {
    expect(visibleText('Deploy\u200b docs')).toBe('Deploy\\u200b docs');
    expect(visibleText('ok\x1b[2K\rDeploy\x07')).toBe('ok\\x1b[2K\\rDeploy\\x07');
    expect(visibleText('a\u202eb \u2066c\u2069 \ufeff\u00ad\u2028')).toBe('a\\u202eb \\u2066c\\u2069 \\ufeff\\xad\\u2028');
    expect(visibleText('line\nnext\tcell\u0085\u007f')).toBe('line\\nnext\\tcell\\x85\\x7f');
    // Tag characters spell ASCII no one sees ("ASCII smuggling"); Hangul fillers draw blank.
    expect(visibleText('hi\u{e0041}\u{e0042}\u3164')).toBe('hi\\u{e0041}\\u{e0042}\\u3164');
  });

  it('leaves ordinary text alone, one-script words of any script and emoji included', () => {
    const text = 'Send to paypal.com — ünïcödé, Привет мир, Ελληνικά, Հայերեն, 日本語, עברית, 🚀';
    expect(visibleText(text)).toBe(text);
  });

  it('unmasks look-alike words: Cyrillic, Greek or Armenian letters in a word with Latin ones', () => {
    expect(visibleText('Send to pаypal.com now')).toBe('Send to p\\u0430ypal.com now');
    expect(visibleText('admin@gοogle.com: /home/dеv_ops')).toBe('admin@g\\u03bfogle.com: /home/d\\u0435v_ops');
    expect(visibleText('mісrosoft-update')).toBe('m\\u0456\\u0441rosoft-update');
    expect(visibleText('Օrder')).toBe('\\u0555rder');
    // An invisible combining mark (U+034F) belongs to the word: it cannot cut it into one-script parts.
    expect(visibleText('p\u034fаура\u034fl.com')).toBe('p\u034f\\u0430\\u0443\\u0440\\u0430\u034fl.com');
    // Each word on its own: a Cyrillic word next to a Latin one is two honest words.
    expect(visibleText('paypal привет')).toBe('paypal привет');
  });

  it('stays linear on long hostile text (each word is tested on its own)', () => {
    const text = `${'а'.repeat(200_000)}${'a.'.repeat(100_000)}`;
    const shown = visibleText(text);
    expect(shown.startsWith('\\u0430\\u0430')).toBe(true);
    expect(shown.length).toBe(200_000 * 6 + 200_000);
    expect(visibleText('аa '.repeat(133_334)).length).toBe(133_334 * 8);
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

  it('unmasks look-alike words in arguments as JSON escapes, and parses back to the same value', () => {
    const args = { url: 'https://pаypal.com/login', 'usеr': 'Привет', note: 'line\nаb\u200bаb', esc: '\\nаme', mark: 'p\u034fаура' };
    const text = visibleJson(args);
    expect(text).toContain('"https://p\\u0430ypal.com/login"');
    expect(text).toContain('"us\\u0435r": "Привет"');
    // An escape is no part of a word: its n or u is not a Latin letter beside the Cyrillic.
    expect(text).toContain('"line\\nаb\\u200bаb"'.replace(/аb/g, '\\u0430b'));
    expect(text).toContain('"\\\\n\\u0430me"');
    expect(JSON.parse(text)).toEqual(args);
    expect(JSON.parse(visibleJson('а'.repeat(400_000)))).toBe('а'.repeat(400_000));
  });

  it('writes what JSON.stringify would for plain values', () => {
    const value = { branch: 'release/1.4', n: 3, ok: true, none: null };
    expect(visibleJson(value)).toBe(JSON.stringify(value, null, 2));
    expect(visibleJson(undefined)).toBe('null');
  });
});
