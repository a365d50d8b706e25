// Ids of accounts, keys and renders are uuids. A malformed id is simply an id that matches nothing,
// so callers answer NOT_FOUND instead of letting Postgres fail on the cast.

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isResourceId(value: string): boolean {
  return UUID.test(value);
}
