import type { IncomingMessage } from 'node:http';
import { randomUUID } from 'node:crypto';

/** HTTP status of a GraphQL error code, for routes that answer a graph call as a plain HTTP resource. */
export const STATUS_OF_CODE: Record<string, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  BAD_USER_INPUT: 400,
  NOT_FOUND: 404,
  CONFLICT: 409,
  RATE_LIMITED: 429,
  GRAPHQL_VALIDATION_FAILED: 400,
};

export interface GraphAnswer<T> {
  status: number;
  data?: T;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/**
 * Runs one operation through this gateway's own /graphql with the given Authorization, so a route sees
 * exactly what that caller may see: the same verification, scope, rules, masking, audit and rate limits.
 */
export async function callGraph<T>(
  graphqlUrl: string,
  authorization: string,
  req: IncomingMessage,
  query: string,
  variables: Record<string, unknown>,
): Promise<GraphAnswer<T>> {
  const response = await fetch(graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization, 'x-request-id': String(req.headers['x-request-id'] ?? '') || randomUUID() },
    body: JSON.stringify({ query, variables }),
  });
  const answer = (await response.json().catch(() => ({}))) as Omit<GraphAnswer<T>, 'status'>;
  return { status: response.status, ...answer };
}

/** The status a route answers for a graph call's first error (a 5xx from the graph stays a 502). */
export function statusOfError(answer: GraphAnswer<unknown>): number {
  const code = answer.errors?.[0]?.extensions?.code ?? '';
  return STATUS_OF_CODE[code] ?? (answer.status >= 400 && answer.status < 500 ? answer.status : 502);
}

/** Reads a request body up to `max` bytes; null when it is larger. */
export async function readBody(req: IncomingMessage, max: number): Promise<Buffer | null> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > max) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
