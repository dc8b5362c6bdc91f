import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { GraphQLDataSourceRequestKind } from '@apollo/gateway/dist/datasources/types';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { DEADLINE_HEADER, setting, type Env } from '@cgp/core';
import { gatewayContextOf, type GatewayContext } from './gateway-context';
import type { SubgraphFetchObserver } from './observability';
import { STATUS_CODES } from 'node:http';
import { Agent } from 'undici';

export type { GatewayContext } from './gateway-context';

export interface SubgraphFetchOptions {
  /** How long one subgraph fetch may take before its part of the answer is given up (ms). */
  timeoutMs: number;
  /** Most open keep-alive sockets to one subgraph. */
  connections: number;
  /** Spans, metrics and header forwarding (traceparent, Idempotency-Key) of each fetch. */
  observer?: SubgraphFetchObserver;
  /** Approximate size of the gateway's query-plan cache (MiB). */
  queryPlanCacheMiB?: number;
}

export function subgraphFetchFromEnvironment(env?: Env): SubgraphFetchOptions {
  return {
    timeoutMs: setting('GATEWAY_SUBGRAPH_TIMEOUT_MS', env),
    connections: setting('GATEWAY_SUBGRAPH_CONNECTIONS', env),
    queryPlanCacheMiB: setting('GATEWAY_QUERY_PLAN_CACHE_MIB', env),
  };
}

/** The error a caller sees for the part of an answer a subgraph could not give. */
export const SUBGRAPH_UNAVAILABLE = 'SUBGRAPH_UNAVAILABLE';

/**
 * The time a subgraph is given for one fetch: the gateway's wait less a margin for the answer's way
 * back (a tenth of it, 50–500 ms). The subgraph stops and rolls back at that point (DEADLINE_HEADER),
 * so when the gateway gives up, the work was not done — except, rarely, a change committed just
 * before its deadline whose answer came back late: a mutation's timeout says its outcome is unknown.
 */
export function fetchBudgetMs(timeoutMs: number): number {
  const margin = Math.min(500, Math.max(50, Math.round(timeoutMs / 10)));
  return Math.max(1, timeoutMs - margin);
}

/** The error of a fetch a subgraph did not answer (in time): the part of the answer it serves is missing. */
export function subgraphUnavailable(
  subgraph: string,
  timeoutMs: number,
  timedOut = false,
  reason: string = timedOut ? 'timeout' : 'unreachable',
  mutation = false,
): GraphQLError {
  const why = timedOut ? `did not answer within ${timeoutMs} ms` : 'cannot be reached';
  const message =
    timedOut && mutation
      ? `The ${subgraph} subgraph did not answer within ${timeoutMs} ms. It was told to stop by then and roll back, so the change was most likely not made, but its outcome is not known for sure: ` +
        'send the same mutation again with the same Idempotency-Key to learn it (a change that was made is answered from its record, never made twice); without a key, read the record before sending it again.'
      : `The ${subgraph} subgraph ${why}: the fields it serves are missing from this answer (null); the rest is complete. ${timedOut ? 'It was stopped without saving anything. ' : ''}Try again shortly.`;
  const error = new GraphQLError(message, {
    extensions: { code: SUBGRAPH_UNAVAILABLE, serviceName: subgraph, ...(timedOut && mutation ? { outcome: 'UNKNOWN' } : {}) },
  });
  // For the fetch-error metric only; not part of the answer.
  Object.defineProperty(error, 'fetchFailure', { value: reason, enumerable: false });
  return error;
}

/**
 * A subgraph's answer of HTTP 400 when the caller's variables do not coerce (a `Date` that is no calendar
 * date, say): its own error — message and code — instead of a bare "400: Bad Request"; undefined for other answers.
 */
export function variablesRefused(status: number, body: unknown): GraphQLError | undefined {
  const errors = (body as { errors?: GraphQLFormattedError[] } | undefined)?.errors;
  const first = Array.isArray(errors) ? errors[0] : undefined;
  const code = first?.extensions?.code;
  if (status === 400 && first && (code === 'BAD_USER_INPUT' || code === 'GRAPHQL_VALIDATION_FAILED'))
    return new GraphQLError(first.message, { extensions: { code } });
  return undefined;
}

/** The caller's request id and Authorization on a subgraph request, as every fetch carries them. */
export function forwardCaller(headers: { set(name: string, value: string): unknown }, context: GatewayContext | Record<string, unknown>): void {
  if (typeof context.requestId === 'string' && context.requestId) headers.set('x-request-id', context.requestId);
  if (typeof context.authorization === 'string' && context.authorization) headers.set('authorization', context.authorization);
}

/**
 * One subgraph as the gateway reaches it: keep-alive sockets, bounded per subgraph (untuned
 * @apollo/gateway opens unlimited ones), a timeout on every fetch so a slow or dead subgraph never
 * hangs the answer, and the caller's identity and request id forwarded.
 */
export class SubgraphSource extends RemoteGraphQLDataSource<GatewayContext> {
  private readonly agent: Agent;
  readonly name: string;
  private readonly origin: string;
  private readonly path: string;

  constructor(
    private readonly subgraph: string,
    override readonly url: string,
    private readonly options: SubgraphFetchOptions,
  ) {
    super({ url });
    this.name = subgraph;
    const parsed = new URL(url);
    // RemoteGraphQLDataSource#sendRequest is private in its typings: replaced here, on the instance.
    (this as unknown as { sendRequest: unknown }).sendRequest = (request: Parameters<SubgraphSource['send']>[0]) => this.send(request);
    this.origin = parsed.origin;
    this.path = `${parsed.pathname}${parsed.search}`;
    this.agent = new Agent({ connections: options.connections, keepAliveTimeout: 30_000, connect: { timeout: Math.min(options.timeoutMs, 5_000) } });
  }

  private budgetMs(): number {
    return fetchBudgetMs(this.options.timeoutMs);
  }

  private unavailable(timedOut = false, reason?: string, mutation = false): GraphQLError {
    return subgraphUnavailable(this.subgraph, this.options.timeoutMs, timedOut, reason, mutation);
  }

  /**
   * One fetch, sent with undici's `request` on the keep-alive agent. @apollo/gateway's own path builds a
   * node-fetch Request and Headers and goes through WHATWG fetch for every subgraph call; the profile of
   * the gateway under load showed that machinery as a visible share of its CPU. What the rest of
   * RemoteGraphQLDataSource reads of the response (status, Content-Type, Cache-Control, the body) is kept.
   */
  private async send(request: { http?: { headers: Iterable<[string, string]> } } & Record<string, unknown>): Promise<Record<string, unknown>> {
    const { http, ...body } = request;
    if (!http) throw new Error("Internal error: Only 'http' requests are supported.");
    const headers: Record<string, string> = {};
    for (const [name, value] of http.headers) headers[name] = value;
    headers[DEADLINE_HEADER] = String(this.budgetMs());
    const mutation = typeof body.query === 'string' && /^\s*mutation\b/.test(body.query);
    const signal = AbortSignal.timeout(this.options.timeoutMs);
    let status: number;
    let responseHeaders: Record<string, string | string[] | undefined>;
    let text: string;
    try {
      const res = await this.agent.request({ origin: this.origin, path: this.path, method: 'POST', headers, body: JSON.stringify(body), signal });
      status = res.statusCode;
      responseHeaders = res.headers;
      text = await res.body.text();
    } catch {
      throw this.unavailable(signal.aborted, undefined, mutation);
    }
    const header = (name: string) => {
      const v = responseHeaders[name.toLowerCase()];
      return Array.isArray(v) ? v.join(', ') : (v ?? null);
    };
    const response = {
      ok: status >= 200 && status < 300,
      status,
      statusText: STATUS_CODES[status] ?? '',
      url: this.url,
      headers: { get: header, has: (name: string) => header(name) !== null },
      json: async (): Promise<unknown> => JSON.parse(text),
      text: async () => text,
    };
    if (!response.ok) throw await this.errorFromResponse(response as never);
    const contentType = header('content-type') ?? '';
    if (!contentType.startsWith('application/json') && !contentType.startsWith('application/graphql-response+json')) {
      throw new Error(`Expected JSON response body from the ${this.subgraph} subgraph, but received ${contentType || 'no content type'}`);
    }
    const parsed: unknown = JSON.parse(text);
    if (parsed === null || typeof parsed !== 'object') throw new Error(`Expected JSON response body, but received: ${text.slice(0, 100)}`);
    return { ...(parsed as Record<string, unknown>), http: response };
  }

  /** Each fetch of an operation is timed, counted and traced (a client span whose traceparent the subgraph continues). */
  override async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): ReturnType<RemoteGraphQLDataSource['process']> {
    const observer = this.options.observer;
    if (!observer || options.kind !== GraphQLDataSourceRequestKind.INCOMING_OPERATION) return super.process(options);
    return observer.observe(this.subgraph, options, () => super.process(options));
  }

  override willSendRequest(options: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    const { request } = options;
    const context = gatewayContextOf(options);
    if (!request.http) return;
    forwardCaller(request.http.headers, context);
    this.options.observer?.decorate(this.subgraph, options);
  }

  /**
   * A subgraph answers HTTP 400 when the caller's variables do not coerce (a `Date` that is no calendar
   * date, say). Pass its own error on — message and code — instead of the gateway's bare "400: Bad Request".
   */
  override async errorFromResponse(response: Parameters<RemoteGraphQLDataSource['errorFromResponse']>[0]): Promise<GraphQLError> {
    const error = await super.errorFromResponse(response);
    const refused = variablesRefused(response.status, (error.extensions.response as { body?: unknown } | undefined)?.body);
    if (refused) return refused;
    if (response.status >= 500) return this.unavailable(false, 'http');
    return error;
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}
