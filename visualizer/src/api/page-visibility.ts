/**
 * Whether the page is shown, and news when that changes. A stream of a hidden page lets its
 * connection go: a browser holds at most six HTTP/1.1 connections to one server across all its
 * tabs, and each tab's streams keep one or two open, so three tabs inspecting left a fourth unable
 * even to load the page.
 */
export interface PageVisibility {
  /** Whether the page is hidden now (a background tab, a minimised window). */
  hidden(): boolean;
  /** Calls `listener` whenever the page is hidden or shown again; returns how to stop. */
  onChange(listener: () => void): () => void;
}

/**
 * A page taken as always shown: where there is no `document` (Node, tests), and for a stream
 * that must stay open in a hidden tab (the inspector's: payloads are recorded only while it is).
 */
export const ALWAYS_SHOWN: PageVisibility = { hidden: () => false, onChange: () => () => undefined };

/**
 * The document's visibility (`document.hidden`, `visibilitychange`), or always shown without one.
 * @example const visibility = documentVisibility(); if (visibility.hidden()) pause();
 */
export function documentVisibility(): PageVisibility {
  // Through globalThis: the tests type-check this file without the DOM's types.
  const page = (globalThis as { document?: VisibilityDocument }).document;
  if (page === undefined) return ALWAYS_SHOWN;
  return {
    hidden: () => page.hidden,
    onChange: (listener) => {
      page.addEventListener('visibilitychange', listener);
      return () => page.removeEventListener('visibilitychange', listener);
    },
  };
}

/** What this file uses of `document`. */
interface VisibilityDocument {
  readonly hidden: boolean;
  addEventListener(type: 'visibilitychange', listener: () => void): void;
  removeEventListener(type: 'visibilitychange', listener: () => void): void;
}

/**
 * Resolves once the page is shown (at once when it is), or when `signal` aborts.
 * @example await whenShown(visibility, controller.signal);
 */
export function whenShown(visibility: PageVisibility, signal: AbortSignal): Promise<void> {
  if (!visibility.hidden() || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      stop();
      signal.removeEventListener('abort', done);
      resolve();
    };
    const stop = visibility.onChange(() => {
      if (!visibility.hidden()) done();
    });
    signal.addEventListener('abort', done, { once: true });
  });
}
