import type { Context } from 'hono';
import type { AppEnv, Route } from '../route.ts';
import { defineRoute } from '../route.ts';
import { type VisualizerBundle, visualizerBundle } from '../visualizer-bundle.ts';

/**
 * The page talks only to this origin, runs only its own scripts, and cannot be framed. The
 * token lives in sessionStorage; this policy is what keeps other scripts away from it.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const ASSETS: { path: string; summary: string; contentType: string; pick: (bundle: VisualizerBundle) => string }[] = [
  { path: '/', summary: 'The visualizer (statechart, tasks, approval queue, inspector)', contentType: 'text/html; charset=utf-8', pick: (b) => b.html },
  { path: '/visualizer/app.js', summary: "The visualizer's script", contentType: 'text/javascript; charset=utf-8', pick: (b) => b.js },
  { path: '/visualizer/app.css', summary: "The visualizer's styles", contentType: 'text/css; charset=utf-8', pick: (b) => b.css },
  { path: '/visualizer/elk.js', summary: 'elkjs (the layout engine of the statechart)', contentType: 'text/javascript; charset=utf-8', pick: (b) => b.elk },
  { path: '/visualizer/icon.svg', summary: "The visualizer's icon", contentType: 'image/svg+xml', pick: (b) => b.icon },
];

/**
 * `GET /` and `/visualizer/*`: the visualizer, bundled in memory from `visualizer/` at the
 * first request (see `visualizerBundle`). No token is needed to load the page; every API call
 * it makes sends one.
 * @example mountRoutes(app, visualizerRoutes(), options);
 */
export function visualizerRoutes(): Route[] {
  return ASSETS.map((asset) =>
    defineRoute({
      method: 'GET',
      path: asset.path,
      summary: asset.summary,
      access: 'public',
      responses: { 200: { description: asset.summary, contentType: asset.contentType.split(';')[0]! } },
      handle: async ({ c }) => send(c, asset.contentType, asset.pick(await visualizerBundle())),
    }),
  );
}

function send(c: Context<AppEnv>, contentType: string, text: string): Response {
  return c.body(text, 200, {
    'content-type': contentType,
    // Built when the server starts: a reload after a restart always gets the current client.
    'cache-control': 'no-cache',
    'content-security-policy': CONTENT_SECURITY_POLICY,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    // frame-ancestors above is what current browsers obey; this is the same refusal for those that
    // only know the older header: the Approve button is never under someone else's page.
    'x-frame-options': 'DENY',
  });
}
