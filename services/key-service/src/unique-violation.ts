// Postgres reports a broken unique index as SQLSTATE 23505; the stores turn that into 409 CONFLICT.

export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505';
}
