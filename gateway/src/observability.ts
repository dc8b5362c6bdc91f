import { OperationTypeNode } from 'graphql';
import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { GraphQLDataSourceRequestKind } from '@apollo/gateway/dist/datasources/types';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import {
  refusedInput,
  createTracing,
  IDEMPOTENCY_HEADER,
  IDEMPOTENCY_KEY_RULE,
  isValidIdempotencyKey,
  json,
  observabilityPlugin,
  ServiceMetrics,
  type HttpRoute,
  type Logger,
  type RunningHttpServer,
  type SubgraphFetchMetrics,
  type Tracing,
} from '@cgp/core';
import { gatewayContextOf, type GatewayContext } from './gateway-context';

/**
 * What the gateway's subgraph fetches report: a client span per fetch (its W3C traceparent goes to
 * the subgraph, which continues the trace), latency and failures per subgraph, and the caller's
 * Idempotency-Key passed on with each mutation fetch.
 */
export class SubgraphFetchObserver {
  private readonly spans = new WeakMap<object, Span>();
  /** Mutation fetches so far per incoming request and subgraph: the n-th one gets key `<key>#<n>` (n > 1). */
  private readonly mutationFetches = new WeakMap<object, Map<string, number>>();

  constructor(
    private readonly tracing: Tracing,
    private readonly metrics: SubgraphFetchMetrics,
  ) {}

  async observe<T>(subgraph: string, options: GraphQLDataSourceProcessOptions<GatewayContext>, fetch: () => Promise<T>): Promise<T> {
    const parent = gatewayContextOf(options).requestScope?.context ?? ROOT_CONTEXT;
    const span = this.tracing.tracer.startSpan(
      `fetch ${subgraph}`,
      {
        kind: SpanKind.CLIENT,
        attributes: { 'cgp.subgraph': subgraph, ...(options.request.operationName ? { 'graphql.operation.name': options.request.operationName } : {}) },
      },
      parent,
    );
    this.spans.set(options.request, span);
    const started = process.hrtime.bigint();
    let failure: string | undefined;
    try {
      const response = await fetch();
      if ((response as { errors?: unknown[] }).errors?.length) failure = 'graphql';
      return response;
    } catch (error) {
      failure = (error as { fetchFailure?: string }).fetchFailure ?? 'unreachable';
      throw error;
    } finally {
      this.metrics.duration.observe({ subgraph }, Number(process.hrtime.bigint() - started) / 1e9);
      if (failure) {
        this.metrics.errors.inc({ subgraph, reason: failure });
        span.setStatus({ code: SpanStatusCode.ERROR, message: failure });
      }
      span.end();
    }
  }

  /** Adds the fetch span's traceparent and, for a mutation, the caller's Idempotency-Key to the subgraph request. */
  decorate(subgraph: string, options: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    const headers = options.request.http?.headers;
    if (!headers) return;
    const span = this.spans.get(options.request);
    if (span) this.tracing.inject(trace.setSpan(ROOT_CONTEXT, span), (name, value) => headers.set(name, value));
    if (options.kind !== GraphQLDataSourceRequestKind.INCOMING_OPERATION) return;
    const incoming = options.incomingRequestContext;
    const key = incoming?.request.http?.headers.get(IDEMPOTENCY_HEADER);
    if (!key || !incoming || !/^\s*mutation\b/.test(options.request.query ?? '')) return;
    let counts = this.mutationFetches.get(incoming);
    if (!counts) this.mutationFetches.set(incoming, (counts = new Map<string, number>()));
    const n = (counts.get(subgraph) ?? 0) + 1;
    counts.set(subgraph, n);
    headers.set(IDEMPOTENCY_HEADER, n === 1 ? key : `${key}#${n}`);
  }
}

export interface GatewayObservability {
  tracing: Tracing;
  metrics: ServiceMetrics;
  fetches: SubgraphFetchObserver;
  plugin: ApolloServerPlugin<GatewayContext>;
  /** /ready, on the public port (the probes use it). */
  routes(http: () => RunningHttpServer | undefined, subgraphUrls: () => Record<string, string>): Record<string, HttpRoute>;
  /** /metrics, on the operations port only. */
  operationsRoutes(): Record<string, HttpRoute>;
  shutdown(): Promise<void>;
}

/** Refuses a malformed Idempotency-Key on a mutation before anything runs. */
const idempotencyKeyCheck: ApolloServerPlugin<GatewayContext> = {
  async requestDidStart({ request }) {
    const key = request.http?.headers.get(IDEMPOTENCY_HEADER);
    if (key === undefined || key === null) return;
    return {
      async didResolveOperation(rc) {
        if (rc.operation?.operation === OperationTypeNode.MUTATION && !isValidIdempotencyKey(key)) {
          throw refusedInput(`Bad Idempotency-Key header: ${IDEMPOTENCY_KEY_RULE}`);
        }
      },
    };
  },
};

/** The gateway's metrics, tracing and probes (see docs/operations.md “Observability”). */
export function gatewayObservability(logger: Logger, tracing: Tracing = createTracing('gateway')): GatewayObservability {
  const metrics = new ServiceMetrics('gateway');
  const fetches = new SubgraphFetchObserver(tracing, metrics.subgraphFetches());
  const observe = observabilityPlugin<GatewayContext>(metrics, logger);
  return {
    tracing,
    metrics,
    fetches,
    plugin: {
      async requestDidStart(rc) {
        const [observed, checked] = await Promise.all([observe.requestDidStart(rc), idempotencyKeyCheck.requestDidStart!(rc)]);
        return {
          ...observed,
          async didResolveOperation(inner) {
            await observed.didResolveOperation?.(inner);
            await checked?.didResolveOperation?.(inner);
          },
        };
      },
    },
    routes(http, subgraphUrls) {
      return {
        // Ready once the supergraph is loaded (the server has started), until shutdown begins. With
        // ?subgraphs, also asks each subgraph's /ready (a subgraph down only makes answers partial,
        // so the plain probe does not depend on them).
        '/ready': async (req, res) => {
          const running = http();
          if (!running || running.draining) return json(res, 503, { status: running ? 'shutting down' : 'starting', service: 'gateway' });
          if (!new URL(req.url ?? '/', 'http://localhost').searchParams.has('subgraphs'))
            return json(res, 200, { status: 'ready', service: 'gateway', supergraph: 'loaded' });
          const entries = await Promise.all(
            Object.entries(subgraphUrls()).map(async ([name, url]) => {
              try {
                const answer = await fetch(new URL('/ready', url), { signal: AbortSignal.timeout(2000) });
                return [name, answer.ok ? 'ready' : 'not ready'] as const;
              } catch {
                return [name, 'unreachable'] as const;
              }
            }),
          );
          const subgraphs = Object.fromEntries(entries);
          const ready = entries.every(([, status]) => status === 'ready');
          json(res, ready ? 200 : 503, { status: ready ? 'ready' : 'subgraphs not ready', service: 'gateway', supergraph: 'loaded', subgraphs });
        },
      };
    },
    operationsRoutes: () => ({ '/metrics': metrics.route() }),
    shutdown: () => tracing.shutdown(),
  };
}
