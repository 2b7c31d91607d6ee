import { describe, expect, it } from 'vitest';
import { ChurnMap } from '../../src/util/churn-map.ts';

describe('ChurnMap', () => {
  it('sets, gets, replaces and deletes by key, keeping count', () => {
    const map = new ChurnMap<string, number>();
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

  it('counts a key set to undefined as present', () => {
    const map = new ChurnMap<string, undefined>();
    map.set('x', undefined);
    expect(map.has('x')).toBe(true);
    expect(map.size).toBe(1);
    expect(map.delete('x')).toBe(true);
    expect(map.size).toBe(0);
  });

  it('lists values in the order keys were first set, through heavy churn', () => {
    const map = new ChurnMap<string, number>();
    for (let i = 0; i < 10_000; i += 1) {
      map.set(`task-${i}`, i);
      if (i >= 3) map.delete(`task-${i - 3}`);
    }
    expect(map.size).toBe(3);
    expect(map.keys()).toEqual(['task-9997', 'task-9998', 'task-9999']);
    expect(map.values()).toEqual([9997, 9998, 9999]);
  });

  it('takes any key, numbers and objects included, by identity as a Map does', () => {
    const map = new ChurnMap<unknown, string>();
    const key = { id: 1 };
    map.set(1, 'one').set('1', 'string one').set(key, 'object');
    expect(map.get(1)).toBe('one');
    expect(map.get('1')).toBe('string one');
    expect(map.get(key)).toBe('object');
    expect(map.get({ id: 1 })).toBeUndefined();
    expect(map.keys()).toEqual([1, '1', key]);
  });

  it('reuses the slot of a deleted key without mixing values', () => {
    const map = new ChurnMap<string, string>();
    map.set('a', 'A').set('b', 'B');
    map.delete('a');
    map.set('c', 'C');
    expect(map.get('a')).toBeUndefined();
    expect(map.get('b')).toBe('B');
    expect(map.get('c')).toBe('C');
    expect(map.values()).toEqual(['B', 'C']);
  });

  it('names the least recently set key first, a key deleted and set again moving to the end', () => {
    const map = new ChurnMap<string, number>();
    expect(map.firstKey()).toBeUndefined();
    map.set('a', 1).set('b', 2).set('c', 3);
    expect(map.firstKey()).toBe('a');
    map.delete('a');
    map.set('a', 4);
    expect(map.firstKey()).toBe('b');
    expect([...map]).toEqual([['b', 2], ['c', 3], ['a', 4]]);
  });

  it('iterates its pairs while they are deleted, as a Map does', () => {
    const map = new ChurnMap<string, number>();
    for (let i = 0; i < 6; i += 1) map.set(`k${i}`, i);
    const seen: Array<[string, number]> = [];
    for (const [key, value] of map.entries()) {
      seen.push([key, value]);
      map.delete(key);
      if (key === 'k1') map.delete('k2');
    }
    expect(seen).toEqual([['k0', 0], ['k1', 1], ['k3', 3], ['k4', 4], ['k5', 5]]);
    expect(map.size).toBe(0);
  });

  it('forgets everything on clear', () => {
    const map = new ChurnMap<string, number>();
    map.set('a', 1).set('b', 2);
    map.clear();
    expect(map.size).toBe(0);
    expect(map.values()).toEqual([]);
    expect(map.has('a')).toBe(false);
  });
});
