import { STATUS_CODES } from 'node:http';
import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { GraphQLDataSourceRequestKind } from '@apollo/gateway/dist/datasources/types';
import { HeaderMap } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { DEADLINE_HEADER, type InProcessResponse, type InProcessSubgraph, type VerifiedCaller } from '@cgp/core';
import { fetchBudgetMs, forwardCaller, subgraphUnavailable, variablesRefused, type GatewayContext, type SubgraphFetchOptions } from './subgraph-source';

type Response = Awaited<ReturnType<GraphQLDataSource['process']>>;

/** A subgraph answer's Cache-Control as a cache hint, read as @apollo/gateway's RemoteGraphQLDataSource reads it (none: not cacheable). */
export function cacheHint(cacheControl: string | undefined): { maxAge: number; scope?: 'PRIVATE' | 'PUBLIC' } {
  const maxAge = /(?:^|,)\s*max-age=(\d+)\s*(?:,|$)/.exec(cacheControl ?? '')?.[1];
  const directives = (cacheControl ?? '').split(',').map((d) => d.trim().toLowerCase());
  return {
    maxAge: maxAge ? Number(maxAge) : 0,
    ...(directives.includes('private') ? { scope: 'PRIVATE' as const } : directives.includes('public') ? { scope: 'PUBLIC' as const } : {}),
  };
}

/**
 * A subgraph served by this process (the single-machine topology, TOPOLOGY=single): each fetch of a
 * query plan calls the subgraph's request handler directly (core's in-process.ts) instead of sending
 * HTTP. The gateway still knows the subgraph by its SDL only (the supergraph); the handler is given to
 * it by whoever started both (the launcher), and it never imports subgraph code.
 *
 * What a fetch carries is what SubgraphSource sends over HTTP — the request id, the caller's
 * Authorization, the time the subgraph is given, the fetch span's traceparent, a mutation's
 * Idempotency-Key — plus the caller this gateway verified for the request, so the subgraph does not
 * verify the same token again. The same wait applies (a fetch not answered in time is given up, and
 * the subgraph, told the same deadline, stops and rolls back), and the same answers become the same
 * errors (SUBGRAPH_UNAVAILABLE, a refused variable's own error).
 */
export class InProcessSubgraphSource implements GraphQLDataSource<GatewayContext> {
  constructor(
    readonly name: string,
    /** Its HTTP URL (it listens there too); the gateway's /ready?subgraphs asks its /ready. */
    readonly url: string,
    private readonly subgraph: InProcessSubgraph,
    private readonly options: SubgraphFetchOptions,
  ) {}

  /** Each fetch of an operation is timed, counted and traced, as over HTTP. */
  process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<Response> {
    const observer = this.options.observer;
    if (!observer || options.kind !== GraphQLDataSourceRequestKind.INCOMING_OPERATION) return this.send(options);
    return observer.observe(this.name, options, () => this.send(options));
  }

  private async send(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<Response> {
    const { request, context } = options;
    const query = request.query;
    if (!query) throw new Error('Missing query');
    const timeoutMs = this.options.timeoutMs;
    const headers = new HeaderMap([['content-type', 'application/json']]);
    request.http = { method: 'POST', url: this.url, headers: headers as never };
    forwardCaller(headers, context);
    headers.set(DEADLINE_HEADER, String(fetchBudgetMs(timeoutMs)));
    this.options.observer?.decorate(this.name, options);
    // The caller this gateway verified for the request being planned (never one read from a header).
    const verified = options.kind === GraphQLDataSourceRequestKind.INCOMING_OPERATION ? options.context : undefined;
    const caller: VerifiedCaller | undefined = verified?.identity ? { identity: verified.identity, authorization: verified.authorization } : undefined;
    const mutation = /^\s*mutation\b/.test(query);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(subgraphUnavailable(this.name, timeoutMs, true, undefined, mutation)), timeoutMs);
    });
    let response: InProcessResponse;
    try {
      const { variables, operationName, extensions } = request as {
        variables?: Record<string, unknown>;
        operationName?: string;
        extensions?: Record<string, unknown>;
      };
      response = await Promise.race([this.subgraph.execute({ query, variables, operationName, extensions, headers, caller }), late]);
    } catch (error) {
      if (error instanceof GraphQLError && (error as { fetchFailure?: string }).fetchFailure) throw error;
      // Anything the subgraph's handler throws is what it answers 500 for over HTTP.
      throw subgraphUnavailable(this.name, timeoutMs, false, 'http', mutation);
    } finally {
      clearTimeout(timer);
    }
    const status = response.status;
    if (status < 200 || status >= 300) {
      const refused = variablesRefused(status, response.result);
      if (refused) throw refused;
      if (status >= 500) throw subgraphUnavailable(this.name, timeoutMs, false, 'http', mutation);
      // As RemoteGraphQLDataSource words any other refusal.
      const code = status === 401 ? 'UNAUTHENTICATED' : status === 403 ? 'FORBIDDEN' : undefined;
      throw new GraphQLError(`${status}: ${STATUS_CODES[status] ?? ''}`, {
        extensions: { ...(code ? { code } : {}), response: { url: this.url, status, statusText: STATUS_CODES[status] ?? '', body: response.result } },
      });
    }
    // As RemoteGraphQLDataSource honours a subgraph's Cache-Control: no header, no caching of the whole answer (response-cache.ts).
    if (options.kind === GraphQLDataSourceRequestKind.INCOMING_OPERATION) {
      const incoming = options.incomingRequestContext as { overallCachePolicy?: { restrict(hint: ReturnType<typeof cacheHint>): void } };
      incoming.overallCachePolicy?.restrict(cacheHint(response.headers.get('cache-control')));
    }
    return response.result;
  }

  async close(): Promise<void> {}
}
