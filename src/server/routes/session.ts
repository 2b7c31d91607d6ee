import { Principal } from '../../model/principal.ts';
import { defineRoute, type Route } from '../route.ts';

/**
 * `/api/v1/me`: who the bearer token belongs to (id, roles, maxRisk). The visualizer checks
 * a token with it before keeping it, and shows who is signed in.
 * @example mountRoutes(app, sessionRoutes(), options);
 */
export function sessionRoutes(): Route[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/api/v1/me',
      summary: "The caller's principal",
      access: 'any',
      responses: { 200: { description: 'the principal of the token', schema: Principal } },
      handle: ({ c, principal }) => c.json(principal!),
    }),
  ];
}
