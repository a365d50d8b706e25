import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

const ACCEPTABLE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

declare module 'express-serve-static-core' {
  interface Request {
    requestId: string;
  }
}

/** Every response carries X-Request-Id: the client's, when it sent a sane one, or a new uuid. */
export function requestId() {
  return (req: Request, res: Response, next: NextFunction): void => {
    const sent = req.get('x-request-id');
    req.requestId = sent && ACCEPTABLE_ID.test(sent) ? sent : randomUUID();
    res.setHeader('X-Request-Id', req.requestId);
    next();
  };
}
