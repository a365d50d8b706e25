// The rules of the new-endpoint form, checked before the request so the common mistakes get a
// message next to the field (the server checks again and its answer is shown as well).
import type { WebhookEvent } from './api-types.js';
import type { FormResult } from './key-form.js';

export interface WebhookFormInput {
  url: string;
  events: WebhookEvent[];
  description: string;
}

export interface WebhookFormValue {
  url: string;
  events: WebhookEvent[];
  description?: string;
}

export function validateWebhookForm(input: WebhookFormInput): FormResult<WebhookFormValue> {
  const url = input.url.trim();
  let parsed: URL | null = null;
  try {
    parsed = new URL(url);
  } catch {
    parsed = null;
  }
  if (!parsed || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')) {
    return { ok: false, error: 'Enter the full http(s) URL that will receive the events.' };
  }
  if (url.length > 2048) return { ok: false, error: 'The URL is too long (2048 characters at most).' };
  const events = [...new Set(input.events)];
  if (events.length === 0) return { ok: false, error: 'Choose at least one event.' };
  const description = input.description.trim();
  if (description.length > 500) return { ok: false, error: 'Keep the description under 500 characters.' };
  return { ok: true, value: { url, events, ...(description ? { description } : {}) } };
}
