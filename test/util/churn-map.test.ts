import { describe, expect, it } from 'vitest';
import { ChurnMap } from '../../src/util/churn-map.ts';

describe('ChurnMap', () => {
  it('sets, gets, replaces and deletes by key, keeping count', () => {
    const map = new ChurnMap<number>();
    expect(map.size).toBe(0);
    expect(map.set('a', 1).set('b', 2).set('a', 3).size).toBe(2);
    expect(map.get('a')).toBe(3);
    expect(map.has('b')).toBe(true);
    expect(map.delete('b')).toBe(true);
    expect(map.delete('b')).toBe(false);
    expect(map.has('b')).toBe(false);
    expect(map.get('b')).toBeUndefined();
    expect(map.size).toBe(1);
  });

  it('holds any string as an own key, none inherited', () => {
    const map = new ChurnMap<string>();
    expect(map.has('toString')).toBe(false);
    expect(map.get('constructor')).toBeUndefined();
    map.set('__proto__', 'p');
    expect(map.get('__proto__')).toBe('p');
    expect(map.keys()).toEqual(['__proto__']);
    expect(map.size).toBe(1);
  });

  it('counts a key set to undefined as present', () => {
    const map = new ChurnMap<undefined>();
    map.set('x', undefined);
    expect(map.has('x')).toBe(true);
    expect(map.size).toBe(1);
    expect(map.delete('x')).toBe(true);
    expect(map.size).toBe(0);
  });

  it('lists values in the order keys were first set, through heavy churn', () => {
    const map = new ChurnMap<number>();
    for (let i = 0; i < 10_000; i += 1) {
      map.set(`task-${i}`, i);
      if (i >= 3) map.delete(`task-${i - 3}`);
    }
    expect(map.size).toBe(3);
    expect(map.keys()).toEqual(['task-9997', 'task-9998', 'task-9999']);
    expect(map.values()).toEqual([9997, 9998, 9999]);
  });

  it('puts keys that read as array indices first, ascending (the writer thread numbers its requests)', () => {
    const map = new ChurnMap<string>();
    map.set('10', 'ten').set('2', 'two').set('b', 'bee');
    expect(map.keys()).toEqual(['2', '10', 'b']);
  });

  it('forgets everything on clear', () => {
    const map = new ChurnMap<number>();
    map.set('a', 1).set('b', 2);
    map.clear();
    expect(map.size).toBe(0);
    expect(map.values()).toEqual([]);
    expect(map.has('a')).toBe(false);
  });
});
