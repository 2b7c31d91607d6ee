import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatFields, formatTable, printable } from '../../src/cli/output.ts';

describe('the CLI\'s human output', () => {
  it('escapes what a terminal would act on or hide, and leaves readable text as it is', () => {
    expect(printable('Push the release branch')).toBe('Push the release branch');
    expect(printable('Grüße, 日本語, émoji 🚀')).toBe('Grüße, 日本語, émoji 🚀');
    expect(printable('a\x1b[2K\rb\nc\td\x07\x7f\x9b')).toBe('a\\x1b[2K\\rb\\nc\\td\\x07\\x7f\\x9b');
    expect(printable('x\u200by\u2028z\u202ew\u2066v\ufeff')).toBe('x\\u200by\\u2028z\\u202ew\\u2066v\\ufeff');
  });

  it('never lets a control character through, whatever the text', () => {
    fc.assert(
      // biome-ignore lint/suspicious/noControlCharactersInRegex: no control character may get through.
      fc.property(fc.string({ unit: 'binary' }), (text) => !/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e]/.test(printable(text))),
      { numRuns: 2_000 },
    );
  });

  it('unmasks look-alike words: Cyrillic, Greek or Armenian letters inside a Latin word are escaped, one-script text is not', () => {
    expect(printable('https://p\u0430ypal.com/login')).toBe('https://p\\u0430ypal.com/login');
    expect(printable('admin@g\u043e\u043egle.com')).toBe('admin@g\\u043e\\u043egle.com');
    expect(printable('x\u03bfr')).toBe('x\\u03bfr');
    for (const text of ['Привет мир', 'Ελληνικά και English', 'Grüße, naïve café', 'Բարեւ']) expect(printable(text)).toBe(text);
    // An invisible combining mark does not cut the word into one-script parts.
    expect(printable('p\u034f\u0430ypal')).toBe('p\\u034f\\u0430ypal');
    // A hidden character's escape does not make the one-script word beside it look mixed.
    expect(printable('\u200bпривет')).toBe('\\u200bпривет');
    // A look-alike outside the basic plane is escaped whole (U+10140, a Greek numeral).
    expect(printable('x\u{10140}')).toBe('x\\u{10140}');
  });

  it('keeps one line per table row and per field, whatever the cells hold', () => {
    const table = formatTable(['id', 'title'], [['1', 'a\nforged  row'], ['2', 'b']]);
    expect(table.split('\n')).toHaveLength(5);
    expect(formatFields([['title', 'x\r\ny'], ['state', 'parked']])).toBe('title: x\\r\\ny\nstate: parked\n');
  });
});
