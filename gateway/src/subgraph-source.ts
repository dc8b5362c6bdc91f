import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { GraphQLDataSourceRequestKind } from '@apollo/gateway/dist/datasources/types';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { SubgraphFetchObserver } from './observability';
import { Agent, fetch as undiciFetch } from 'undici';
import { z } from 'zod';

export interface GatewayContext {
  requestId: string;
  authorization?: string;
  identity: import('@cgp/core').Identity;
}

const schema = z.object({
  GATEWAY_SUBGRAPH_TIMEOUT_MS: z.coerce.number().int().min(1).default(10_000),
  GATEWAY_SUBGRAPH_CONNECTIONS: z.coerce.number().int().min(1).default(64),
});

export interface SubgraphFetchOptions {
  /** How long one subgraph fetch may take before its part of the answer is given up (ms). */
  timeoutMs: number;
  /** Most open keep-alive sockets to one subgraph. */
  connections: number;
  /** Spans, metrics and header forwarding (traceparent, Idempotency-Key) of each fetch. */
  observer?: SubgraphFetchObserver;
}

export function subgraphFetchFromEnvironment(env: NodeJS.ProcessEnv = process.env): SubgraphFetchOptions {
  const parsed = schema.safeParse(env);
  if (!parsed.success) throw new Error(`Invalid gateway settings: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return { timeoutMs: parsed.data.GATEWAY_SUBGRAPH_TIMEOUT_MS, connections: parsed.data.GATEWAY_SUBGRAPH_CONNECTIONS };
}

/** The error a caller sees for the part of an answer a subgraph could not give. */
export const SUBGRAPH_UNAVAILABLE = 'SUBGRAPH_UNAVAILABLE';

/**
 * One subgraph as the gateway reaches it: keep-alive sockets, bounded per subgraph (untuned
 * @apollo/gateway opens unlimited ones), a timeout on every fetch so a slow or dead subgraph never
 * hangs the answer, and the caller's identity and request id forwarded.
 */
export class SubgraphSource extends RemoteGraphQLDataSource<GatewayContext> {
  private readonly agent: Agent;
  readonly name: string;

  constructor(
    private readonly subgraph: string,
    override readonly url: string,
    private readonly options: SubgraphFetchOptions,
  ) {
    super({ url });
    this.name = subgraph;
    this.agent = new Agent({ connections: options.connections, keepAliveTimeout: 30_000, connect: { timeout: Math.min(options.timeoutMs, 5_000) } });
    const agent = this.agent;
    this.fetcher = (async (input: string, init?: Record<string, unknown>) => {
      const signal = AbortSignal.timeout(options.timeoutMs);
      try {
        return await undiciFetch(input, { ...(init as object), dispatcher: agent, signal } as never);
      } catch {
        throw this.unavailable(signal.aborted);
      }
    }) as never;
  }

  private unavailable(timedOut = false, reason: string = timedOut ? 'timeout' : 'unreachable'): GraphQLError {
    const why = timedOut ? `did not answer within ${this.options.timeoutMs} ms` : 'cannot be reached';
    const error = new GraphQLError(`The ${this.subgraph} subgraph ${why}: the fields it serves are missing from this answer (null); the rest is complete. Try again shortly.`, {
      extensions: { code: SUBGRAPH_UNAVAILABLE, serviceName: this.subgraph },
    });
    // For the fetch-error metric only; not part of the answer.
    Object.defineProperty(error, 'fetchFailure', { value: reason, enumerable: false });
    return error;
  }

  /** Each fetch of an operation is timed, counted and traced (a client span whose traceparent the subgraph continues). */
  override async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): ReturnType<RemoteGraphQLDataSource['process']> {
    const observer = this.options.observer;
    if (!observer || options.kind !== GraphQLDataSourceRequestKind.INCOMING_OPERATION) return super.process(options);
    return observer.observe(this.subgraph, options, () => super.process(options)) as ReturnType<RemoteGraphQLDataSource['process']>;
  }

  override willSendRequest(options: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    const { request, context } = options;
    if (!request.http) return;
    if ('requestId' in context && context.requestId) request.http.headers.set('x-request-id', context.requestId);
    if ('authorization' in context && context.authorization) request.http.headers.set('authorization', context.authorization);
    this.options.observer?.decorate(this.subgraph, options);
  }

  /**
   * A subgraph answers HTTP 400 when the caller's variables do not coerce (a `Date` that is no calendar
   * date, say). Pass its own error on — message and code — instead of the gateway's bare "400: Bad Request".
   */
  override async errorFromResponse(response: Parameters<RemoteGraphQLDataSource['errorFromResponse']>[0]): Promise<GraphQLError> {
    const error = await super.errorFromResponse(response);
    const body = (error.extensions.response as { body?: unknown } | undefined)?.body as { errors?: GraphQLFormattedError[] } | undefined;
    const first = Array.isArray(body?.errors) ? body.errors[0] : undefined;
    const code = first?.extensions?.code;
    if (response.status === 400 && first && (code === 'BAD_USER_INPUT' || code === 'GRAPHQL_VALIDATION_FAILED')) {
      return new GraphQLError(first.message, { extensions: { code } });
    }
    if (response.status >= 500) return this.unavailable(false, 'http');
    return error;
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}
