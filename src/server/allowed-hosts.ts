import type { MiddlewareHandler } from 'hono';
import { ForbiddenError } from '../errors.ts';
import type { AppEnv } from './route.ts';

/**
 * The host name a request's `Host` header names, lowercased, without its port (`[::1]:3000` → `::1`).
 * @example hostName('Gate.Example.com:443') // 'gate.example.com'
 */
export function hostName(header: string): string {
  const value = header.trim().toLowerCase();
  if (value.startsWith('[')) return value.slice(1, value.indexOf(']') >= 0 ? value.indexOf(']') : undefined);
  const colon = value.indexOf(':');
  return colon >= 0 ? value.slice(0, colon) : value;
}

/**
 * Refuses (403 `forbidden`) a request whose `Host` is not one of `allowed` — what a page on another
 * site reaches the server through after rebinding its own name to 127.0.0.1 (DNS rebinding): it
 * cannot get a token, but `/metrics`, `/healthz` and the visualizer's page need none. Opt-in
 * (`--allowed-hosts`): a reverse proxy may forward any name it serves.
 * @example app.use('*', allowedHosts(['localhost', '127.0.0.1', 'gate.example.com']));
 */
export function allowedHosts(allowed: readonly string[]): MiddlewareHandler<AppEnv> {
  const names = new Set(allowed.map((name) => hostName(name)));
  return async (c, next) => {
    const name = hostName(c.req.header('host') ?? '');
    if (!names.has(name)) {
      throw new ForbiddenError(`host ${JSON.stringify(name.slice(0, 100))} is not served here (the server's allowed hosts: --allowed-hosts)`);
    }
    await next();
  };
}
