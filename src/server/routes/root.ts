import { defineRoute, type Route } from '../route.ts';

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Tollgate</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#222}code{background:#f3f3f3;padding:0 .25rem}</style>
</head>
<body>
<h1>Tollgate</h1>
<p>An approval gate for AI agent actions. This server speaks the HTTP API v1.</p>
<ul>
<li><a href="/api/v1/openapi.json">/api/v1/openapi.json</a> — the API description (send <code>Authorization: Bearer &lt;token&gt;</code>)</li>
<li><a href="/healthz">/healthz</a> — liveness</li>
<li><a href="/metrics">/metrics</a> — Prometheus metrics</li>
</ul>
<p>The visualizer (statechart, live tasks, approval queue) is not here yet: it lands with issue 6.
Meanwhile, the <code>tollgate tasks</code> and <code>tollgate approvals</code> commands talk to this server.</p>
</body>
</html>
`;

/**
 * `GET /`: a small page pointing at the API. The visualizer replaces it (issue 6).
 * @example mountRoutes(app, rootRoutes(), options);
 */
export function rootRoutes(): Route[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/',
      summary: 'A page pointing at the API (the visualizer replaces it)',
      access: 'public',
      responses: { 200: { description: 'HTML', contentType: 'text/html' } },
      handle: ({ c }) => c.html(PAGE),
    }),
  ];
}
