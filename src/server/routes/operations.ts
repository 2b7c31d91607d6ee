import { defineRoute, type Route, type RouteDeps } from '../route.ts';
import { HealthAnswer } from '../schemas.ts';

/**
 * `/healthz` and `/metrics`: for load balancers and Prometheus, no token needed.
 * @example mountRoutes(app, operationRoutes(deps), options);
 */
export function operationRoutes({ metrics }: RouteDeps): Route[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/healthz',
      summary: 'Liveness',
      access: 'public',
      responses: { 200: { description: 'alive', schema: HealthAnswer } },
      handle: ({ c }) => c.json({ status: 'ok' as const }),
    }),
    defineRoute({
      method: 'GET',
      path: '/metrics',
      summary: 'Prometheus metrics: tasks by state, pending approvals by risk and the oldest one\'s age, decisions, executions by outcome, the sweeper, gate latency, HTTP requests, store errors, build info (README "Metrics")',
      access: 'public',
      responses: { 200: { description: 'Prometheus text exposition format', contentType: 'text/plain' } },
      handle: async ({ c }) => {
        const text = await metrics.registry.metrics();
        return c.body(text, 200, { 'content-type': metrics.registry.contentType });
      },
    }),
  ];
}
