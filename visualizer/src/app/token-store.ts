const KEY = 'tollgate.token';

/** The part of the browser's Storage used here (typed apart from the DOM lib: unit tests in Node type-check this file too). */
interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}
const sessionStore = (): KeyValueStorage => (globalThis as unknown as { sessionStorage: KeyValueStorage }).sessionStorage;

/**
 * The bearer token, kept in sessionStorage: it survives reloads of this tab, is gone when the
 * tab closes, is never shared with other tabs, and never goes into a URL.
 * @example tokenStore.set(token); fetch(url, { headers: { authorization: `Bearer ${tokenStore.get()}` } });
 */
export const tokenStore = {
  get(): string | null {
    try {
      return sessionStore().getItem(KEY);
    } catch {
      return null;
    }
  },
  set(token: string): void {
    sessionStore().setItem(KEY, token);
  },
  clear(): void {
    sessionStore().removeItem(KEY);
  },
};
