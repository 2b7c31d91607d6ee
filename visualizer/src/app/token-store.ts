const KEY = 'tollgate.token';

/**
 * The bearer token, kept in sessionStorage: it survives reloads of this tab, is gone when the
 * tab closes, is never shared with other tabs, and never goes into a URL.
 * @example tokenStore.set(token); fetch(url, { headers: { authorization: `Bearer ${tokenStore.get()}` } });
 */
export const tokenStore = {
  get(): string | null {
    try {
      return sessionStorage.getItem(KEY);
    } catch {
      return null;
    }
  },
  set(token: string): void {
    sessionStorage.setItem(KEY, token);
  },
  clear(): void {
    sessionStorage.removeItem(KEY);
  },
};
