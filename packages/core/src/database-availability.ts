import { GraphQLError } from 'graphql';

/** The code of the error a caller gets while the database cannot be reached (a transient condition). */
export const DATABASE_UNAVAILABLE = 'DATABASE_UNAVAILABLE';

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED']);
/** SQLSTATEs of a server that is shutting down, starting, or out of connections, and of a statement cancelled by its time limit (57014). */
const SERVER_STATES = new Set(['57014', '57P01', '57P02', '57P03', '53300', '58000', '58030']);
const MESSAGES = [
  /Connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /connection is not queryable|not queryable/i,
  /Client was closed and is not queryable/i,
  /terminating connection/i,
  /the database system is (starting up|shutting down|in recovery mode)/i,
  /Cannot use a pool after calling end/i,
  /Query read timeout/i,
  // TypeORM releases a query runner whose connection failed; the request's next statement then finds it released.
  /Query runner already released/i,
];

/**
 * Whether an error means the database cannot be reached right now (refused or lost connection,
 * a server shutting down or starting, a connection timeout) rather than a fault in the request.
 * Looks through GraphQL's originalError, TypeORM's driverError and `cause`.
 */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 5) return false;
  const e = error as { code?: unknown; message?: unknown; originalError?: unknown; driverError?: unknown; cause?: unknown; errors?: unknown };
  if (typeof e.code === 'string' && (NETWORK_CODES.has(e.code) || SERVER_STATES.has(e.code) || e.code.startsWith('08'))) return true;
  if (typeof e.message === 'string' && MESSAGES.some((m) => m.test(e.message as string))) return true;
  // AggregateError (a connection attempt to several addresses).
  if (Array.isArray(e.errors) && e.errors.some((inner) => isDatabaseUnavailable(inner, depth + 1))) return true;
  return [e.originalError, e.driverError, e.cause].some((inner) => inner !== error && isDatabaseUnavailable(inner, depth + 1));
}

export const DATABASE_UNAVAILABLE_MESSAGE =
  'The database cannot be reached at the moment, so this request was not completed (a change was not saved). Try again shortly; send a change again with the same Idempotency-Key to be sure it is made once.';

export function databaseUnavailable(): GraphQLError {
  return new GraphQLError(DATABASE_UNAVAILABLE_MESSAGE, { extensions: { code: DATABASE_UNAVAILABLE } });
}
