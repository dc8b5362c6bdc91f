import type { IncomingMessage, ServerResponse } from 'node:http';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Latency buckets (seconds) for GraphQL requests and subgraph fetches. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** Most distinct operation names a service keeps as label values; later ones count as `(other)`. */
const MAX_OPERATION_LABELS = 300;
const OPERATION_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,99}$/;

/**
 * The Prometheus metrics of one service, in its own registry (so several services can share a
 * process in tests), labelled `service`. Default process metrics included.
 */
export class ServiceMetrics {
  readonly registry = new Registry();
  /** GraphQL requests by operation name and type. */
  readonly requests: Counter<'operation' | 'type'>;
  /** Errors in GraphQL responses by operation name and error code. */
  readonly errors: Counter<'operation' | 'code'>;
  /** GraphQL request latency by operation name and type. */
  readonly duration: Histogram<'operation' | 'type'>;
  private readonly operations = new Set<string>();

  constructor(readonly service: string) {
    this.registry.setDefaultLabels({ service });
    collectDefaultMetrics({ register: this.registry });
    const registers = [this.registry];
    this.requests = new Counter({
      name: 'cgp_graphql_requests_total',
      help: 'GraphQL requests, by operation name and type.',
      labelNames: ['operation', 'type'],
      registers,
    });
    this.errors = new Counter({
      name: 'cgp_graphql_errors_total',
      help: 'Errors in GraphQL responses, by operation name and error code.',
      labelNames: ['operation', 'code'],
      registers,
    });
    this.duration = new Histogram({
      name: 'cgp_graphql_request_duration_seconds',
      help: 'GraphQL request latency in seconds, by operation name and type.',
      labelNames: ['operation', 'type'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
  }

  /**
   * The label for an operation name: the name itself (the gateway's subgraph fetches
   * `<operation>__<subgraph>__<n>` count under the caller's operation), `(anonymous)`, or `(other)` for
   * names that are not plain GraphQL names or beyond the first few hundred (label values stay bounded).
   */
  operationLabel(name: string | null | undefined): string {
    if (!name) return '(anonymous)';
    const plain = name.replace(/__[a-z]+__\d+$/, '');
    if (!OPERATION_NAME.test(plain)) return '(other)';
    if (this.operations.has(plain)) return plain;
    if (this.operations.size >= MAX_OPERATION_LABELS) return '(other)';
    this.operations.add(plain);
    return plain;
  }

  /** Lookups in the subgraph's figures cache, counted as hits and misses. */
  figuresCacheLookups(): (hits: number, misses: number) => void {
    const lookups = new Counter({
      name: 'cgp_figures_cache_lookups_total',
      help: 'Dashboard figures asked of the subgraph’s figures cache, by result: hit (served from the cache) or miss (computed).',
      labelNames: ['result'],
      registers: [this.registry],
    });
    return (hits, misses) => {
      if (hits) lookups.inc({ result: 'hit' }, hits);
      if (misses) lookups.inc({ result: 'miss' }, misses);
    };
  }

  /** Subgraph fetch latency and failures, as the gateway sees them. */
  subgraphFetches(): SubgraphFetchMetrics {
    const registers = [this.registry];
    return {
      duration: new Histogram({
        name: 'cgp_subgraph_fetch_duration_seconds',
        help: 'Latency of the gateway’s fetches from each subgraph, in seconds.',
        labelNames: ['subgraph'],
        buckets: LATENCY_BUCKETS,
        registers,
      }),
      errors: new Counter({
        name: 'cgp_subgraph_fetch_errors_total',
        help: 'Gateway fetches from a subgraph that failed: timeout, unreachable, http (5xx) or graphql (errors in the answer).',
        labelNames: ['subgraph', 'reason'],
        registers,
      }),
    };
  }

  /** Gauges of a pg pool: connections open, idle, and requests waiting for one. */
  observePool(pool: () => PoolCounts | undefined): void {
    const registers = [this.registry];
    const gauge = (name: string, help: string, read: (p: PoolCounts) => number) =>
      new Gauge({
        name,
        help,
        registers,
        collect() {
          const p = pool();
          this.set(p ? read(p) : 0);
        },
      });
    gauge('cgp_db_pool_connections', 'Open connections in the database pool.', (p) => p.totalCount);
    gauge('cgp_db_pool_idle_connections', 'Idle connections in the database pool.', (p) => p.idleCount);
    gauge('cgp_db_pool_waiting_requests', 'Requests waiting for a database connection.', (p) => p.waitingCount);
    gauge('cgp_db_pool_max_connections', 'Most connections the database pool opens (DATABASE_POOL_SIZE).', (p) => p.options?.max ?? 0);
  }

  /**
   * Counts transactions PostgreSQL ended because they ran into a time limit: `idle_in_transaction`
   * (a transaction left open and idle past DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: a leak, or a
   * request that stalled) or `statement` (a statement past DATABASE_STATEMENT_TIMEOUT_MS).
   */
  databaseTimeouts(): (reason: 'idle_in_transaction' | 'statement') => void {
    const counter = new Counter({
      name: 'cgp_db_transactions_timed_out_total',
      help: 'Transactions ended by a PostgreSQL time limit, by reason: idle_in_transaction or statement.',
      labelNames: ['reason'],
      registers: [this.registry],
    });
    counter.inc({ reason: 'idle_in_transaction' }, 0);
    counter.inc({ reason: 'statement' }, 0);
    return (reason) => counter.inc({ reason });
  }

  /** The /metrics route (Prometheus text format). */
  route() {
    return async (_req: IncomingMessage, res: ServerResponse): Promise<void> => {
      const body = await this.registry.metrics();
      res.writeHead(200, { 'content-type': this.registry.contentType }).end(body);
    };
  }
}

export interface SubgraphFetchMetrics {
  duration: Histogram<'subgraph'>;
  errors: Counter<'subgraph' | 'reason'>;
}

/** The counters pg's Pool keeps. */
export interface PoolCounts {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
  options?: { max?: number };
}
