// Signed, expiring URLs for objects in local storage, served by the gateway without an API key.
// The signature is HMAC-SHA256 over "<key>\n<expires>", so neither the object nor the expiry can be changed.
import { createHmac, timingSafeEqual } from 'node:crypto';

const RESULT_URL_LABEL = 'platen.result-urls.v1';

export type SignatureCheck = 'valid' | 'expired' | 'invalid';

export interface UrlSigner {
  sign(key: string, expiresAtSeconds: number): string;
  check(key: string, expiresAtSeconds: number, signature: string, nowSeconds: number): SignatureCheck;
}

export function createUrlSigner(secret: string): UrlSigner {
  const mac = (key: string, expires: number) =>
    createHmac('sha256', secret).update(`${key}\n${expires}`).digest('base64url');
  return {
    sign: mac,
    check(key, expires, signature, now) {
      if (!Number.isSafeInteger(expires)) return 'invalid';
      const expected = Buffer.from(mac(key, expires));
      const given = Buffer.from(signature);
      if (expected.length !== given.length || !timingSafeEqual(expected, given)) return 'invalid';
      return expires > now ? 'valid' : 'expired';
    },
  };
}

/**
 * The signer every service uses for `/files/*` URLs: its secret is derived from SERVICE_JWT_SECRET
 * with a fixed label, so no new variable exists and a leaked file URL says nothing about that secret.
 */
export function createResultUrlSigner(serviceSecret: string): UrlSigner {
  return createUrlSigner(createHmac('sha256', serviceSecret).update(RESULT_URL_LABEL).digest('hex'));
}
