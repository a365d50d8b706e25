// Every time leaves the key-service as an ISO-8601 UTC string (docs/api.md), or null.

export function iso(date: Date): string {
  return date.toISOString();
}

export function isoOrNull(date: Date | null): string | null {
  return date ? date.toISOString() : null;
}
