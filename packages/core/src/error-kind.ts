import { DATABASE_UNAVAILABLE, isDatabaseUnavailable } from './database-availability';

/** Error codes the platform answers on purpose: the caller sees them as they are, and they are not logged as failures. */
export const DELIBERATE_ERROR_CODES: ReadonlySet<string> = new Set([
  'BAD_USER_INPUT',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'GRAPHQL_VALIDATION_FAILED',
  'GRAPHQL_PARSE_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'OPERATION_RESOLUTION_FAILURE',
  'SUBGRAPH_UNAVAILABLE',
  DATABASE_UNAVAILABLE,
  'SERVICE_UNAVAILABLE',
  // The gateway's partner API refusals (gateway/src/safelist.ts, rate-limit.ts).
  'PERSISTED_QUERY_NOT_IN_SAFELIST',
  'RATE_LIMITED',
  // A mutation document rolled back whole because one of its fields failed (service.ts).
  'NOT_SAVED',
  // Work stopped at the deadline the gateway gave it: nothing saved (context.ts).
  'DEADLINE_EXCEEDED',
]);

/** What an error is: a deliberate answer, the database being unreachable, or something unexpected (a bug). */
export function errorKind(code: string | undefined, error: unknown): 'deliberate' | 'database' | 'unexpected' {
  if (code && DELIBERATE_ERROR_CODES.has(code)) return 'deliberate';
  if (isDatabaseUnavailable(error)) return 'database';
  return 'unexpected';
}

/** Errors already logged with their request's ids (by the observability plugin), so masking does not log them again. */
const logged = new WeakSet<object>();

export function markErrorLogged(error: unknown): void {
  if (error && typeof error === 'object') logged.add(error);
}

export function wasErrorLogged(error: unknown): boolean {
  return Boolean(error && typeof error === 'object' && logged.has(error));
}
