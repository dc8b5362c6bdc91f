import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Context, Span } from '@opentelemetry/api';

/** What every log line and span of one HTTP request shares. */
export interface RequestScope {
  /** The request id: the caller's `x-request-id` (the gateway passes its own to the subgraphs) or a new one. */
  requestId: string;
  /** The request's server span and the trace context below it (a no-op span when tracing is off). */
  span?: Span;
  context?: Context;
  /** The W3C trace id, when the request belongs to a trace (tracing on, or a traceparent received). */
  traceId?: string;
}

/*
 * The scope travels with the request explicitly (the HTTP request object, then the GraphQL context),
 * not in an AsyncLocalStorage: on Node 20 an active AsyncLocalStorage installs promise hooks that run
 * for every promise of every request, and the benchmark measured them at 10–15 % of each service's CPU
 * (the case queue page served 40–100 % more requests per second without them).
 */
const scopes = new WeakMap<IncomingMessage, RequestScope>();

/** Attaches `scope` to the HTTP request it belongs to. */
export function bindRequestScope(req: IncomingMessage, scope: RequestScope): void {
  scopes.set(req, scope);
}

/** The scope of an HTTP request being handled, if any. */
export function requestScopeOf(req: IncomingMessage): RequestScope | undefined {
  return scopes.get(req);
}

/** What every log line of a request carries: its request id, and its trace id when it belongs to a trace. */
export function scopeLogFields(scope: RequestScope | undefined): { requestId?: string; traceId?: string } {
  if (!scope) return {};
  return scope.traceId ? { requestId: scope.requestId, traceId: scope.traceId } : { requestId: scope.requestId };
}

const REQUEST_ID = /^[A-Za-z0-9._:@-]{1,128}$/;

/** The caller's request id when it is a plain token of at most 128 characters; otherwise a new UUID. */
export function requestIdFrom(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value && REQUEST_ID.test(value) ? value : randomUUID();
}
