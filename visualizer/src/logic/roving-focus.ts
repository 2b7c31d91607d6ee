/** How far Page Up / Page Down move. */
const PAGE = 10;

/**
 * Where focus goes in a list of `count` items from `current` on `key`, for a list that is one tab
 * stop (a roving tabindex): ArrowDown/ArrowUp one item, PageDown/PageUp ten, Home/End the ends;
 * `null` when the key does not move it (or the list is empty). Never past either end.
 * @example rovingTarget('ArrowDown', 0, 5) // 1
 */
export function rovingTarget(key: string, current: number, count: number): number | null {
  if (count === 0) return null;
  const clamp = (index: number) => Math.max(0, Math.min(count - 1, index));
  switch (key) {
    case 'ArrowDown':
      return clamp(current + 1);
    case 'ArrowUp':
      return clamp(current - 1);
    case 'PageDown':
      return clamp(current + PAGE);
    case 'PageUp':
      return clamp(current - PAGE);
    case 'Home':
      return 0;
    case 'End':
      return count - 1;
    default:
      return null;
  }
}
