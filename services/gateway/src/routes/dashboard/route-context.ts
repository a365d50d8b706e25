// What every /dashboard/api route file shares: where the routes live, how they are documented, and
// the middleware chains. A read needs a session; a change also needs a same-site request (and the
// session guard checks its X-CSRF-Token) before its body is read.
import type { ErrorCode } from '@platen/contracts';
import type { RouteRegistry } from '@platen/http';
import type { RequestHandler, Router } from 'express';
import type { SessionGuard } from '../../dashboard/session-guard.js';

export const BASE = '/dashboard/api';
export const tags = ['dashboard'];
export const SESSION_ERRORS: ErrorCode[] = ['UNAUTHORIZED'];
export const UNSAFE_ERRORS: ErrorCode[] = [
  'UNAUTHORIZED',
  'FORBIDDEN',
  'VALIDATION_ERROR',
  'UNSUPPORTED_MEDIA_TYPE',
];

export interface DashboardRouteContext {
  registry: RouteRegistry;
  router: Router;
  guard: SessionGuard;
  /** Refuses unsafe requests sent by another site's page. */
  sameSite: RequestHandler;
  /** Reads a small JSON body. */
  jsonBody: RequestHandler[];
  /** A signed-in read. */
  session: RequestHandler[];
  /** A signed-in, same-site change with a small JSON body. */
  unsafe: RequestHandler[];
}

export function createDashboardRouteContext(deps: {
  registry: RouteRegistry;
  router: Router;
  guard: SessionGuard;
  sameSite: RequestHandler;
  jsonBody: RequestHandler[];
}): DashboardRouteContext {
  const { registry, router, guard, sameSite, jsonBody } = deps;
  return {
    registry,
    router,
    guard,
    sameSite,
    jsonBody,
    session: [guard.require],
    unsafe: [sameSite, guard.require, ...jsonBody],
  };
}
