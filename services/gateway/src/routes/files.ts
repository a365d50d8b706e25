// GET /files/<key>?expires=&signature=: a stored object (a render result, a thumbnail) for whoever
// holds a signed URL, no API key. A tampered or expired signature is 403 FORBIDDEN in the envelope.
import { ApiError, type Clock } from '@platen/contracts';
import type { AnyRouteSpec } from '@platen/http';
import type { ObjectStorage, UrlSigner } from '@platen/storage';
import type { Router } from 'express';
import { z } from 'zod';

/** Documented by hand: the key spans several path segments, which the route registry's paths cannot express. */
export const FILES_ROUTE_SPEC: AnyRouteSpec = {
  method: 'get',
  path: '/files/{key}',
  summary: 'A stored result image, by signed URL (result.url)',
  tags: ['operations'],
  security: 'signedUrl',
  params: z.object({ key: z.string().meta({ description: 'storage key, e.g. renders/<uuid>.png' }) }),
  query: z.object({ expires: z.string(), signature: z.string() }),
  responses: {
    200: { description: 'The image', contentType: 'image/*', schema: z.string().meta({ format: 'binary' }) },
  },
  errors: ['FORBIDDEN', 'NOT_FOUND'],
};

export function registerFileRoute(
  router: Router,
  { storage, signer, clock }: { storage: ObjectStorage; signer: UrlSigner; clock: Clock },
): void {
  router.get('/files/*key', async (req, res) => {
    const segments = (req.params as { key?: string[] }).key ?? [];
    const key = segments.join('/');
    const expires = Number(req.query.expires);
    const signature = typeof req.query.signature === 'string' ? req.query.signature : '';
    const nowSeconds = Math.floor(clock.now().getTime() / 1000);
    const check = signer.check(key, expires, signature, nowSeconds);
    if (check !== 'valid') {
      throw new ApiError('FORBIDDEN', {
        message: check === 'expired' ? 'Signed URL expired' : 'Invalid signature',
        details: { reason: check },
      });
    }
    const object = await storage.get(key).catch(() => null);
    if (!object) throw new ApiError('NOT_FOUND');
    res.set('Cache-Control', `private, max-age=${Math.max(0, expires - nowSeconds)}`);
    res.set('X-Content-Type-Options', 'nosniff');
    res.type(object.contentType).send(object.body);
  });
}
