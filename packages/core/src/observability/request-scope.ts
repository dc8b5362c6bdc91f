import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
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

const storage = new AsyncLocalStorage<RequestScope>();

/** Runs `fn` with `scope` as the current request scope (logs and spans made inside it carry its ids). */
export function runInRequestScope<T>(scope: RequestScope, fn: () => T): T {
  return storage.run(scope, fn);
}

/** The scope of the HTTP request being handled, if any. */
export function currentRequestScope(): RequestScope | undefined {
  return storage.getStore();
}

const REQUEST_ID = /^[A-Za-z0-9._:@\-]{1,128}$/;

/** The caller's request id when it is a plain token of at most 128 characters; otherwise a new UUID. */
export function requestIdFrom(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value && REQUEST_ID.test(value) ? value : randomUUID();
}
