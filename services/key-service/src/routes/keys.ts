// API keys: verify (the gateway's hot path), and an account's keys: list, create, revoke, rotate.
// A key of another account, or a malformed id, is 404 NOT_FOUND.
import {
  createKeyRequestSchema,
  KEY_STATUSES,
  rotateKeyRequestSchema,
  verifyKeyRequestSchema,
} from '@platen/contracts';
import { type Logger, parseInput, sendData, sendPage } from '@platen/http';
import { Router } from 'express';
import { z } from 'zod';
import type { KeyStore } from '../key-store.js';
import type { KeyVerifier } from '../key-verifier.js';
import { pageQuerySchema } from './page-query.js';

const listKeysQuerySchema = pageQuerySchema.extend({ status: z.enum(KEY_STATUSES).optional() });

export interface KeyRoutesDeps {
  keys: KeyStore;
  verifier: KeyVerifier;
  logger: Logger;
}

export function keyRoutes({ keys, verifier, logger }: KeyRoutesDeps): Router {
  const router = Router();

  router.post('/keys/verify', async (req, res) => {
    const { key } = parseInput(verifyKeyRequestSchema, req.body);
    sendData(res, await verifier.verify(key));
  });

  router.get('/accounts/:id/keys', async (req, res) => {
    const page = parseInput(listKeysQuerySchema, req.query);
    sendPage(res, await keys.list(req.params.id, page));
  });

  router.post('/accounts/:id/keys', async (req, res) => {
    const input = parseInput(createKeyRequestSchema, req.body);
    const created = await keys.create(req.params.id, input);
    logger.info(
      {
        request_id: req.requestId,
        account_id: req.params.id,
        key_id: created.id,
        key_hint: created.key_hint,
      },
      'key created',
    );
    sendData(res, created, 201);
  });

  router.post('/accounts/:id/keys/:keyId/revoke', async (req, res) => {
    const revoked = await keys.revoke(req.params.keyId, { accountId: req.params.id });
    logger.info({ request_id: req.requestId, account_id: req.params.id, key_id: revoked.id }, 'key revoked');
    sendData(res, revoked);
  });

  router.post('/accounts/:id/keys/:keyId/rotate', async (req, res) => {
    const input = parseInput(rotateKeyRequestSchema, req.body ?? {});
    const { key, replaced } = await keys.rotate(req.params.keyId, input, { accountId: req.params.id });
    logger.info(
      {
        request_id: req.requestId,
        account_id: req.params.id,
        key_id: replaced.id,
        replaced_by: key.id,
        key_hint: key.key_hint,
        revoked_at: replaced.revoked_at,
      },
      'key rotated',
    );
    sendData(res, key, 201);
  });

  return router;
}
