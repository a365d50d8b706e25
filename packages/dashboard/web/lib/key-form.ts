// The rules of the key forms: a name, an optional expiry day, and the rotation grace periods on offer.

/** The key-service's limit (KEY_NAME_MAX in @platen/contracts; not imported, to keep zod out of the page). */
export const KEY_NAME_MAX = 100;

/** Rotation grace periods (the API allows 0 to 7 days). */
export const GRACE_PERIODS = [
  { seconds: 0, label: 'None: the old key stops now' },
  { seconds: 3600, label: '1 hour' },
  { seconds: 86_400, label: '24 hours' },
  { seconds: 604_800, label: '7 days' },
] as const;

export type FormResult<T> = { ok: true; value: T } | { ok: false; error: string };

export function validateKeyName(input: string): FormResult<string> {
  const name = input.trim();
  if (name === '')
    return { ok: false, error: 'Give the key a name, e.g. the app or server that will use it.' };
  if (name.length > KEY_NAME_MAX)
    return { ok: false, error: `Keep the name under ${KEY_NAME_MAX} characters.` };
  return { ok: true, value: name };
}

/**
 * A date input's value (`YYYY-MM-DD`, empty for none) → `expires_at`: the end of that UTC day, so a
 * key "expiring on 7 Mar" works through 7 Mar. The day must be today or later.
 */
export function expiryFromDateInput(input: string, now: Date): FormResult<string | null> {
  if (input.trim() === '') return { ok: true, value: null };
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(input.trim());
  const end = match ? new Date(`${match[0]}T23:59:59.000Z`) : null;
  if (!end || Number.isNaN(end.getTime()) || end.toISOString().slice(0, 10) !== input.trim()) {
    return { ok: false, error: 'Enter the expiry as a date (YYYY-MM-DD).' };
  }
  if (end.getTime() <= now.getTime()) return { ok: false, error: 'The expiry date must be today or later.' };
  return { ok: true, value: end.toISOString() };
}

/** The earliest day a date input should offer (today, UTC). */
export function minimumExpiryDay(now: Date): string {
  return now.toISOString().slice(0, 10);
}
