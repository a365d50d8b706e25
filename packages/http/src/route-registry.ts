// Routes are declared once with their zod schemas: the declaration validates the request,
// types the handler and feeds the OpenAPI document, so the three can never drift apart.
import type { ErrorCode } from '@platen/contracts';
import type { NextFunction, Request, RequestHandler, Response, Router } from 'express';
import type { z } from 'zod';
import { parseInput } from './validate.js';

export type HttpMethod = 'get' | 'post' | 'patch' | 'put' | 'delete';
export type RouteSecurity = 'apiKey' | 'session' | 'signedUrl' | 'none';

export interface RouteResponse {
  description: string;
  schema?: z.ZodType;
  contentType?: string;
}

export interface RouteSpec<
  B extends z.ZodType | undefined,
  Q extends z.ZodType | undefined,
  P extends z.ZodType | undefined,
> {
  method: HttpMethod;
  /** OpenAPI-style path, e.g. `/api/v1/renders/{uuid}`. */
  path: string;
  summary: string;
  tags: string[];
  security: RouteSecurity;
  body?: B;
  /**
   * For a route that reads its body itself (a streamed upload), the bodies it takes by media type:
   * documented in OpenAPI, not validated by the registry.
   */
  requestBodies?: Record<string, z.ZodType>;
  query?: Q;
  params?: P;
  headers?: Record<string, { description: string; required?: boolean }>;
  responses: Record<number, RouteResponse>;
  /** Error codes this route can answer, documented with the envelope. */
  errors?: ErrorCode[];
}

type Parsed<S> = S extends z.ZodType ? z.infer<S> : undefined;

export interface RouteInput<B, Q, P> {
  body: Parsed<B>;
  query: Parsed<Q>;
  params: Parsed<P>;
}

export type RouteHandler<B, Q, P> = (
  input: RouteInput<B, Q, P>,
  req: Request,
  res: Response,
  next: NextFunction,
) => Promise<void> | void;

export type AnyRouteSpec = RouteSpec<z.ZodType | undefined, z.ZodType | undefined, z.ZodType | undefined>;

export interface RouteRegistry {
  readonly specs: readonly AnyRouteSpec[];
  add<
    B extends z.ZodType | undefined = undefined,
    Q extends z.ZodType | undefined = undefined,
    P extends z.ZodType | undefined = undefined,
  >(
    router: Router,
    spec: RouteSpec<B, Q, P>,
    middlewares: RequestHandler[],
    handler: RouteHandler<B, Q, P>,
  ): void;
}

export function toExpressPath(openApiPath: string): string {
  return openApiPath.replace(/\{([A-Za-z0-9_]+)\}/g, ':$1');
}

export function createRouteRegistry(): RouteRegistry {
  const specs: AnyRouteSpec[] = [];
  return {
    specs,
    add(router, spec, middlewares, handler) {
      specs.push(spec);
      const run: RequestHandler = async (req, res, next) => {
        const input = {
          body: spec.body ? parseInput(spec.body, req.body ?? {}) : undefined,
          query: spec.query ? parseInput(spec.query, req.query) : undefined,
          params: spec.params ? parseInput(spec.params, req.params) : undefined,
        } as RouteInput<typeof spec.body, typeof spec.query, typeof spec.params>;
        await handler(input, req, res, next);
      };
      router[spec.method](toExpressPath(spec.path), ...middlewares, run);
    },
  };
}
