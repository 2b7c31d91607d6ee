/** How pressing a deadline is, for colour: `none` (no deadline), `calm`, `soon` (< 1 h), `urgent` (< 5 min), `past`. */
export type Urgency = 'none' | 'calm' | 'soon' | 'urgent' | 'past';

/**
 * Time left until a deadline, as a person reads it: `2d 4h`, `3h 05m`, `12m 09s`, `42s`;
 * `expiring…` once it has passed (the sweeper expires it within a sweep); `no deadline` for null.
 * @example formatCountdown(3_723_000) // '1h 02m'
 */
export function formatCountdown(msLeft: number | null): string {
  if (msLeft === null) return 'no deadline';
  if (msLeft <= 0) return 'expiring…';
  const seconds = Math.ceil(msLeft / 1000);
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds % 86_400) / 3_600);
  const minutes = Math.floor((seconds % 3_600) / 60);
  const secs = seconds % 60;
  if (days > 0) return `${days}d ${hours}h`;
  if (hours > 0) return `${hours}h ${pad(minutes)}m`;
  if (minutes > 0) return `${minutes}m ${pad(secs)}s`;
  return `${secs}s`;
}

/**
 * The urgency of a deadline.
 * @example urgency(120_000) // 'urgent'
 */
export function urgency(msLeft: number | null): Urgency {
  if (msLeft === null) return 'none';
  if (msLeft <= 0) return 'past';
  if (msLeft < 5 * 60_000) return 'urgent';
  if (msLeft < 60 * 60_000) return 'soon';
  return 'calm';
}

/**
 * Milliseconds from `now` to an ISO deadline; null when there is none.
 * @example msUntil('2026-03-01T10:00:00Z', Date.parse('2026-03-01T09:00:00Z')) // 3_600_000
 */
export function msUntil(deadline: string | null, now: number): number | null {
  if (deadline === null) return null;
  const at = Date.parse(deadline);
  return Number.isNaN(at) ? null : at - now;
}

/**
 * How long ago a time was, short: `just now`, `5s ago`, `3m ago`, `2h ago`, `4d ago`.
 * @example formatAgo('2026-03-01T09:00:00Z', Date.parse('2026-03-01T09:03:00Z')) // '3m ago'
 */
export function formatAgo(at: string, now: number): string {
  const seconds = Math.floor((now - Date.parse(at)) / 1000);
  if (!Number.isFinite(seconds)) return '';
  if (seconds < 2) return 'just now';
  if (seconds < 60) return `${seconds}s ago`;
  if (seconds < 3_600) return `${Math.floor(seconds / 60)}m ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3_600)}h ago`;
  return `${Math.floor(seconds / 86_400)}d ago`;
}

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** A cell that shows how long ago something was: the time in `title` (ISO), the words in `textContent`. */
export interface AgoCell {
  title: string;
  textContent: string | null;
}

/**
 * Brings "5s ago" texts up to date, writing only those that changed (text only: no redraw), so
 * a list left open does not say "just now" of something an hour old.
 * @example refreshAgo(list.querySelectorAll('.cell-updated'), Date.now()) // how many changed
 */
export function refreshAgo(cells: Iterable<AgoCell>, now: number): number {
  let changed = 0;
  for (const cell of cells) {
    const text = formatAgo(cell.title, now);
    if (cell.textContent === text) continue;
    cell.textContent = text;
    changed += 1;
  }
  return changed;
}
