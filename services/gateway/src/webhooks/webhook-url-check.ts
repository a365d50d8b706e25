// Refuses a webhook URL the deliveries could never reach when it is registered (an endpoint's `url`, a render's
// `webhook_url`), with the same address policy and OUTBOUND_ALLOW the render-worker's sender uses.
import { ApiError, validationError } from '@platen/contracts';
import { OutboundError, type ReachabilityCheck } from '@platen/outbound';

/** Resolves when `url` may receive deliveries; throws 400 VALIDATION_ERROR naming `field`, or 503 for a DNS blip. */
export type WebhookUrlCheck = (url: string, field: string) => Promise<void>;

export function createWebhookUrlCheck(reachable: ReachabilityCheck): WebhookUrlCheck {
  return async (url, field) => {
    try {
      await reachable(url);
    } catch (error) {
      if (!(error instanceof OutboundError)) throw error;
      // A resolver that times out or fails for now says nothing about the URL: ask again, do not refuse it.
      if (error.transient) {
        throw new ApiError('SERVICE_UNAVAILABLE', {
          message: `${field}: ${error.message}; try again`,
          cause: error,
        });
      }
      throw validationError([{ path: field, message: error.message }]);
    }
  };
}
