import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonErrorOffset, lineAndColumn } from '../../src/util/json-syntax.ts';

const parses = (text: string) => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

describe('jsonErrorOffset', () => {
  it('finds the mistakes V8 does not locate, where they are', () => {
    expect(jsonErrorOffset('[{"a":1},]')).toBe(9);
    expect(jsonErrorOffset('{"a":1,}')).toBe(7);
    expect(jsonErrorOffset('[\n  {"token": "x"},\n]')).toBe(20);
    expect(jsonErrorOffset('{"a" 1}')).toBe(5);
    expect(jsonErrorOffset('[1 2]')).toBe(3);
    expect(jsonErrorOffset("{'a': 1}")).toBe(1);
    expect(jsonErrorOffset('[01]')).toBe(2);
    expect(jsonErrorOffset('"tab\there"')).toBe(4);
    expect(jsonErrorOffset('')).toBe(0);
    expect(jsonErrorOffset('[1] x')).toBe(4);
    expect(jsonErrorOffset('{"a": [1, {"b": nul}]}')).toBe(16);
  });

  it('passes valid JSON, deep nesting included', () => {
    for (const text of ['[]', '{}', ' {"a": [1, -2.5e3, true, false, null, "\\u00e9\\n"], "b": {}} ', '"x"', '0', '-0.1E+2']) expect(jsonErrorOffset(text)).toBeNull();
    expect(jsonErrorOffset(`${'['.repeat(100_000)}${']'.repeat(100_000)}`)).toBeNull();
  });

  it('agrees with JSON.parse on what is valid, for any JSON and any text', () => {
    fc.assert(fc.property(fc.json(), (text) => jsonErrorOffset(text) === null), { numRuns: 500 });
    const jsonish = fc.array(fc.constantFrom('{', '}', '[', ']', ',', ':', '"', '1', '0', '-', '.', 'e', ' ', 'a', 'true', 'null', '\\'), { maxLength: 20 }).map((parts) => parts.join(''));
    fc.assert(fc.property(fc.oneof(fc.string(), jsonish), (text) => (jsonErrorOffset(text) === null) === parses(text)), { numRuns: 3_000 });
  });
});

describe('lineAndColumn', () => {
  it('counts from 1', () => {
    expect(lineAndColumn('a\nbc', 3)).toEqual({ line: 2, column: 2 });
    expect(lineAndColumn('abc', 0)).toEqual({ line: 1, column: 1 });
  });
});
