import { buildOpenApi } from '../openapi.ts';
import { defineRoute, type Route } from '../route.ts';

/**
 * `/api/v1/openapi.json`: the OpenAPI 3.1 document of every route of the app, generated
 * from the zod schemas on first request.
 * @example mountRoutes(app, openApiRoutes(() => allRoutes, '0.1.0'), options);
 */
export function openApiRoutes(allRoutes: () => readonly Route[], version: string): Route[] {
  let document: Record<string, unknown> | undefined;
  return [
    defineRoute({
      method: 'GET',
      path: '/api/v1/openapi.json',
      summary: 'This API as OpenAPI 3.1, generated from its zod schemas',
      access: 'any',
      responses: { 200: { description: 'the OpenAPI document' } },
      handle: ({ c }) => {
        document ??= buildOpenApi(allRoutes(), { version });
        return c.json(document);
      },
    }),
  ];
}
