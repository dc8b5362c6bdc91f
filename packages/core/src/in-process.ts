import { HeaderMap, type ApolloServer, type BaseContext } from '@apollo/server';
import { GraphQLError, type FormattedExecutionResult, type GraphQLFormattedError } from 'graphql';
import type { Identity } from './auth/identity';
import { endContext, InFlight, startRequestScope } from './http';
import { requestIdFrom, type RequestScope } from './observability/request-scope';
import type { Tracing } from './observability/tracing';

/*
 * A subgraph reached from the gateway of the same process (the single-machine topology, TOPOLOGY=single):
 * the gateway hands it the request as a JavaScript object, and it runs the same path an HTTP request
 * takes once its body is parsed — its context (caller, deadline, request id, trace), its operation
 * limits, its Apollo plugins (idempotency, the transaction's commit, the audit, metrics and logs),
 * graphql-shield and its resolvers — minus the JSON of the request and of the answer.
 *
 * The caller is the one thing it takes from the gateway instead of checking it again: the gateway of
 * this process verified the token (and a partner key) for this very request, and hands over the result
 * as an object, which nothing outside the process can make. A header never stands for a verified caller:
 * without `caller`, the subgraph verifies the Authorization header as it does over HTTP.
 */

/** The caller of an in-process request as the gateway of the same process verified it. */
export interface VerifiedCaller {
  identity: Identity;
  /** The Authorization the caller's requests carry on (a subgraph calling another on the caller's behalf). */
  authorization?: string;
}

export interface InProcessRequest {
  query: string;
  variables?: Record<string, unknown>;
  operationName?: string;
  extensions?: Record<string, unknown>;
  /** The headers an HTTP request to the subgraph would carry: x-request-id, traceparent, the deadline, Idempotency-Key, authorization. */
  headers: HeaderMap;
  /** Verified by the gateway of this process; absent: the subgraph verifies `authorization` itself. */
  caller?: VerifiedCaller;
}

export interface InProcessResponse {
  /** The HTTP status the subgraph would have answered (400 for variables that do not coerce, say). */
  status: number;
  headers: HeaderMap;
  /** The answer as formatted for a client (masked errors), not serialized. */
  result: FormattedExecutionResult;
}

/** One subgraph's request handler for a gateway in the same process. */
export interface InProcessSubgraph {
  readonly name: string;
  execute(request: InProcessRequest): Promise<InProcessResponse>;
}

/** The entry as the subgraph that owns it sees it: its stop waits for the requests in flight. */
export interface InProcessEntry extends InProcessSubgraph {
  /** Waits until no in-process request is running, or `timeoutMs` has passed. */
  settled(timeoutMs: number): Promise<void>;
}

export interface InProcessOptions<TContext extends BaseContext> {
  name: string;
  server: ApolloServer<TContext>;
  tracing?: Tracing;
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  /** The request's context, as the HTTP path makes it (with the verified caller when there is one). */
  context: (scope: RequestScope, header: (name: string) => string | undefined, caller: VerifiedCaller | undefined) => Promise<TContext>;
  /** Ends what a context holds (its transaction), whatever happened. */
  endRequest: (context: TContext) => Promise<void>;
  /** True once the subgraph is stopping: requests are refused as its HTTP port refuses them. */
  draining: () => boolean;
}

function single(status: number, errors: GraphQLFormattedError[], headers = new HeaderMap()): InProcessResponse {
  return { status, headers, result: { errors } };
}

/** The in-process entry of a subgraph: the path of serveApollo after the body is parsed (graphqlHandler), without HTTP. */
export function inProcessEntry<TContext extends BaseContext>(options: InProcessOptions<TContext>): InProcessEntry {
  const { server, formatError } = options;
  const running = new InFlight();
  const execute = async (request: InProcessRequest): Promise<InProcessResponse> => {
    if (options.draining())
      return single(503, [{ message: 'The service is shutting down; send the request again.', extensions: { code: 'SERVICE_UNAVAILABLE' } }]);
    const headers = request.headers;
    const header = (name: string) => headers.get(name) ?? undefined;
    const scope = startRequestScope(
      options.tracing,
      requestIdFrom(header('x-request-id')),
      { traceparent: header('traceparent'), tracestate: header('tracestate') },
      { 'cgp.transport': 'in-process' },
    );
    let made: Promise<TContext> | undefined;
    try {
      made = options.context(scope, header, request.caller);
      let contextValue: TContext;
      try {
        contextValue = await made;
      } catch (error) {
        // As Apollo Server answers a context that could not be made: the error's own status and code, masked otherwise.
        if (!(error instanceof GraphQLError)) throw error;
        const { http, ...extensions } = error.extensions as { http?: { status?: number } };
        return single(http?.status ?? 500, [formatError({ message: error.message, extensions }, error)]);
      }
      const response = await server.executeOperation(
        {
          query: request.query,
          variables: request.variables,
          operationName: request.operationName,
          extensions: request.extensions,
          http: { method: 'POST', headers, search: '', body: undefined },
        },
        { contextValue },
      );
      const body = response.body;
      const result = body.kind === 'single' ? body.singleResult : body.initialResult;
      scope.span?.setAttribute('http.response.status_code', response.http.status ?? 200);
      return { status: response.http.status ?? 200, headers: response.http.headers, result };
    } finally {
      await endContext(made, options.endRequest);
      scope.span?.end();
    }
  };
  return {
    name: options.name,
    execute: (request) => running.track(execute(request)),
    settled: (timeoutMs) => running.settled(timeoutMs),
  };
}
