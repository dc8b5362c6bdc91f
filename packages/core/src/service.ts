import type { IncomingMessage } from 'node:http';
import { ApolloServer, HeaderMap, type ApolloServerPlugin, type GraphQLRequestContext, type GraphQLResponse } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import {
  GraphQLError,
  isInterfaceType,
  isObjectType,
  Kind,
  OperationTypeNode,
  valueFromASTUntyped,
  type GraphQLFormattedError,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';
import type { DataSource } from 'typeorm';
import type { Feature } from './feature';
import { DEADLINE_EXCEEDED, DEADLINE_HEADER, deadlineFrom, RequestContext } from './context';
import { FiguresCache } from './figures-cache';
import { connect, createDataSource, DatabaseUnreachableError, migrate, type MigrationList, type Queryable } from './database';
import { appDatabaseUrl, metricsHost, metricsPort, servicePort, SUBGRAPH_NAMES, subgraphDatabaseUrl, type SubgraphName } from './environment';
import { setting, startupConfig, type Env } from './config';
import { authConfigFromEnvironment, createVerifier, type AuthConfig, type Verifier } from './auth/verify';
import { AuthThrottle, authThrottleFromEnvironment, type AuthThrottleOptions } from './auth/throttle';
import { keyCheckCacheSecondsFromEnvironment, PartnerKeyCheck } from './auth/key-check';
import { AppointmentCheck, appointmentCheckFromEnvironment, type AppointmentCheckOptions } from './auth/appointment-check';
import { protect } from './auth/permissions';
import type { IRules } from 'graphql-shield/typings/types';
import { instanceOf, json, serveApollo, serveOperations, type HttpRoute, type RunningHttpServer, type RunningOperationsServer } from './http';
import { createLogger, type Logger } from './logger';
import { DATABASE_UNAVAILABLE, databaseUnavailable } from './database-availability';
import { refusedInput } from './errors';
import { errorKind, wasErrorLogged } from './error-kind';
import {
  IDEMPOTENCY_HEADER,
  IDEMPOTENCY_KEY_RULE,
  idempotencyForcedMigration,
  idempotencyMigration,
  IdempotencyStore,
  isValidIdempotencyKey,
  operationHash,
} from './idempotency';
import { requestScopeOf, type RequestScope } from './observability/request-scope';
import { inProcessEntry, type InProcessSubgraph } from './in-process';
import type { Identity } from './auth/identity';
import { createTracing, type Tracing } from './observability/tracing';
import { ServiceMetrics, type PoolCounts } from './observability/metrics';
import { observabilityPlugin, responseErrors, type ObservabilityPlugin } from './observability/plugin';
import { subgraphReadiness } from './observability/readiness';
import { limitsFromEnvironment, operationLimitOptions, type OperationLimits } from './limits';

/** The address failed authentications count against for in-process requests that bring no verified caller (the gateway's, as over the loopback). */
const IN_PROCESS_ADDRESS = '127.0.0.1';

/** Everything the platform needs to know about one subgraph. */
export interface SubgraphDefinition {
  name: SubgraphName;
  /** The features it is made of, when it was made with defineSubgraph (src/<feature>/index.ts). */
  features?: readonly Feature[];

  migrations: MigrationList;
  buildSchema(): Promise<GraphQLSchema>;
  /** graphql-shield rules by type and field; anything not listed is denied. */
  permissions: Record<string, IRules>;
  /** Inserts this subgraph's share of the demo dataset (its own tables only). */
  seed(db: Queryable, dataset: unknown): Promise<void>;
  /**
   * Extra HTTP routes beside /graphql (e.g. the pairing subgraph's partner-key checks for the gateway),
   * given the subgraph's application data source and its token verifier.
   */
  routes?(db: DataSource, verify: Verifier): Record<string, HttpRoute>;
  /**
   * Background workers that run beside the server (e.g. the community subgraph's residents-import
   * jobs), started once the server listens and stopped (before the pool closes) when it stops.
   */
  workers?(db: DataSource, logger: Logger, peers: Readonly<Record<string, string>>): BackgroundWorker[];
}

/** A piece of work a subgraph runs in the background; `stop` ends it, leaving its durable state consistent. */
export interface BackgroundWorker {
  stop(): Promise<void>;
}

function peerUrlsFromEnvironment(env?: Env): Record<string, string> {
  const peers: Record<string, string> = {};
  for (const name of SUBGRAPH_NAMES) {
    const url = setting(`${name.toUpperCase() as Uppercase<typeof name>}_URL`, env);
    if (url) peers[name] = url;
  }
  return peers;
}

/**
 * Masks anything that is not a deliberate, coded GraphQL error: no SQL, stack or internals reach a caller.
 * A database that cannot be reached gives DATABASE_UNAVAILABLE (a transient condition, worth a retry).
 */
export function maskError(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const kind = errorKind(formatted.extensions?.code as string | undefined, error);
    if (kind === 'deliberate') {
      const { stacktrace: _stack, ...extensions } = formatted.extensions ?? {};
      void _stack;
      return { ...formatted, extensions };
    }
    // Errors of the GraphQL execution were logged with the request's ids by the observability plugin;
    // the rest (a failed commit, say) are logged here.
    if (!wasErrorLogged(error)) {
      const err = (error as { originalError?: unknown }).originalError ?? error;
      if (kind === 'database') logger.warn({ err, path: formatted.path }, 'database unavailable');
      else logger.error({ err, path: formatted.path }, 'unexpected error');
    }
    if (kind === 'database') return { message: databaseUnavailable().message, path: formatted.path, extensions: { code: DATABASE_UNAVAILABLE } };
    return { message: 'Internal server error', path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  };
}

export interface StartedSubgraph {
  name: SubgraphName;
  url: string;
  dataSource: DataSource;
  http: RunningHttpServer;
  /** Its request handler for a gateway in the same process (TOPOLOGY=single): the path of /graphql without HTTP. */
  inProcess: InProcessSubgraph;
  metrics: ServiceMetrics;
  /** The operations server: /metrics, on its own port (never the public one). */
  operations: RunningOperationsServer;
  /** Its Prometheus scrape URL, e.g. http://127.0.0.1:4101/metrics. */
  metricsUrl: string;
  /** Drains (in-flight requests finish, new ones are refused), then stops the server, closes the pool it owns and flushes traces. */
  stop(): Promise<void>;
}

export interface StartSubgraphOptions {
  port?: number;
  host?: string;
  /** Port of the operations server (/metrics); default metricsPort(): `<NAME>_METRICS_PORT`, METRICS_PORT, or port + 100 (0 with port 0). */
  metricsPort?: number;
  /** Its interface; default METRICS_HOST or 127.0.0.1. */
  metricsHost?: string;
  /** An initialised data source to use (tests share one); otherwise one is created from the environment. */
  dataSource?: DataSource;
  /** The owner URL of the subgraph's database; the subgraph connects to it as the application role. */
  databaseUrl?: string;
  auth?: AuthConfig;
  /** URLs of the other subgraphs (for calls on the caller's behalf); default `<NAME>_URL` from the environment. */
  peers?: Record<string, string>;
  /**
   * The other subgraphs of this process (TOPOLOGY=single), by name, read at each call (filled once all
   * have started): calls on the caller's behalf go to their handlers with the caller verified here.
   */
  inProcessPeers?: Readonly<Record<string, InProcessSubgraph>>;
  /** Tracing; default from the environment (OTEL_EXPORTER_OTLP_ENDPOINT, off when unset). */
  tracing?: Tracing;
  /** Where the subgraph logs; default JSON lines on stdout. */
  logger?: Logger;
  /** Seconds the subgraph keeps dashboard figures (0: off); default STATISTICS_CACHE_SECONDS (15). */
  statisticsCacheSeconds?: number;
  /** Seconds the gateway may keep this subgraph's answers without personal data (0: never); default RESPONSE_CACHE_SECONDS. */
  responseCacheSeconds?: number;
  /** Operation limits (depth, aliases, cost, size…); default the gateway's, from the environment (GATEWAY_MAX_*). */
  limits?: Partial<OperationLimits>;
  /** Throttling of failed authentication per client address; default from the environment (AUTH_FAILURE_*, REDIS_URL). */
  authThrottle?: Partial<AuthThrottleOptions>;
  /** Seconds a partner key's state (revoked or not) is kept; default AUTH_KEY_CHECK_CACHE_SECONDS (5). */
  keyCheckCacheSeconds?: number;
  /** Whether staff tokens need a current appointment, and how long answers are kept; default AUTH_APPOINTMENTS, AUTH_APPOINTMENT_CHECK_CACHE_SECONDS. */
  appointments?: Partial<AppointmentCheckOptions>;
}

/** The subgraph's schema as served: built, then wrapped in its graphql-shield permissions. */
export async function protectedSchema(def: SubgraphDefinition): Promise<GraphQLSchema> {
  return protect(await def.buildSchema(), def.permissions);
}

/**
 * A subgraph's migrations followed by the ones core adds to every subgraph (its idempotency table):
 * cross-cutting tables arrive in each schema without each subgraph listing them.
 */

export function subgraphMigrations(def: SubgraphDefinition): MigrationList {
  const own = Array.isArray(def.migrations) ? def.migrations : Object.values(def.migrations);
  return [...own, idempotencyMigration(def.name), idempotencyForcedMigration(def.name)];
}

export function subgraphDataSource(def: SubgraphDefinition, url: string): DataSource {
  return createDataSource({ schema: def.name, url, migrations: subgraphMigrations(def), poolSize: setting('DATABASE_POOL_SIZE') });
}

/** The pg pool behind a TypeORM data source (its connection counts feed the pool metrics). */
function poolOf(db: DataSource): PoolCounts | undefined {
  return (db.driver as unknown as { master?: PoolCounts }).master;
}

/** How many root fields an operation asks for (inline fragments looked into; named fragments count as one). */
function rootFieldCount(selectionSet: SelectionSetNode | undefined): number {
  let n = 0;
  for (const selection of selectionSet?.selections ?? []) n += selection.kind === Kind.INLINE_FRAGMENT ? rootFieldCount(selection.selectionSet) : 1;
  return n;
}

/** The error that says a mutation's changes were all rolled back, and why. */
function notSaved(errors: number): GraphQLFormattedError {
  return {
    message: `Nothing in this mutation was saved: ${errors === 1 ? 'the error above' : `the ${errors} errors above`} rolled back every change it asked for, the fields that succeeded included. Fix ${errors === 1 ? 'it' : 'them'} and send the mutation again.`,
    extensions: { code: 'NOT_SAVED' },
  };
}

/**
 * Counts the sessions PostgreSQL ends for sitting idle in a transaction (SQLSTATE 25P03, sent as the
 * session's last message): every client of the pool gets a listener once, when first handed out.
 */
function watchSessionTimeouts(db: DataSource, timedOut: (reason: 'idle_in_transaction') => void): void {
  const pool = poolOf(db) as unknown as { on?(event: 'acquire', listener: (client: import('node:events').EventEmitter) => void): void } | undefined;
  const watched = new WeakSet<object>();
  pool?.on?.('acquire', (client) => {
    if (watched.has(client)) return;
    watched.add(client);
    client.on('error', (error: { code?: string }) => {
      if (error?.code === '25P03') timedOut('idle_in_transaction');
    });
  });
}

/**
 * The gateway's entity fetches (`_entities(representations: …)`) reach a subgraph only from the
 * gateway, but anyone may send one directly: a representation that is not an object naming an entity
 * type of this subgraph is refused here (the federation library would fail it with an uncoded error).
 */
const entityRepresentationsCheck: ApolloServerPlugin<RequestContext> = {
  async requestDidStart() {
    return {
      async didResolveOperation({ operation, request, schema }) {
        for (const selection of operation?.selectionSet.selections ?? []) {
          if (selection.kind !== Kind.FIELD || selection.name.value !== '_entities') continue;
          const argument = selection.arguments?.find((a) => a.name.value === 'representations');
          if (!argument) continue;
          const value = valueFromASTUntyped(argument.value, request.variables ?? {});
          const representations: unknown[] = Array.isArray(value) ? value : [value];
          representations.forEach((representation, i) => {
            const typename =
              representation && typeof representation === 'object' && !Array.isArray(representation)
                ? (representation as { __typename?: unknown }).__typename
                : undefined;
            const type = typeof typename === 'string' ? schema.getType(typename) : undefined;
            if (!type || !(isObjectType(type) || isInterfaceType(type))) {
              throw refusedInput(
                `Representation ${i} of _entities is not an object with the __typename of an entity type of this subgraph: send { "__typename": "<type>", <its key fields> }.`,
                'representations',
              );
            }
          });
        }
      },
    };
  },
};

function errorResponse(formatted: GraphQLFormattedError, status = 200): GraphQLResponse {
  return { http: { status, headers: new HeaderMap() }, body: { kind: 'single', singleResult: { errors: [formatted] } } };
}

/**
 * The life of one subgraph request around its transaction: the Idempotency-Key of a mutation is
 * claimed first (a retry returns the stored result without running anything), the result is stored
 * and the transaction committed (a mutation with any error is rolled back whole; reads commit, so
 * their audit records are kept). Should the commit fail, the caller gets an error and no data, never
 * a result that was not saved. Then the request is counted, timed and logged.
 */
function subgraphRequestPlugin(
  store: IdempotencyStore,
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError,
  observer: ObservabilityPlugin<RequestContext>,
  /** How long the gateway may keep this subgraph's answers without personal data (RESPONSE_CACHE_SECONDS; 0: never). */
  responseCacheSeconds = 0,
): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart(start) {
      const observe = await observer.requestDidStart(start);
      const key = start.request.http?.headers.get(IDEMPOTENCY_HEADER) ?? undefined;
      let claimed = false;
      return {
        async didResolveOperation(rc) {
          // The gateway names its subgraph fetches <operation>__<subgraph>__<n>; the audit log keeps the caller's name.
          rc.contextValue.operationName = rc.operationName?.replace(/__[a-z]+__\d+$/, '') ?? undefined;
          rc.contextValue.mutation = rc.operation?.operation === OperationTypeNode.MUTATION;
          await observe.didResolveOperation?.(rc);
          if (key !== undefined && rc.operation?.operation === OperationTypeNode.MUTATION) {
            if (!isValidIdempotencyKey(key, true)) throw refusedInput(`Bad Idempotency-Key header: ${IDEMPOTENCY_KEY_RULE}`);
            rc.contextValue.idempotencyKey = key;
          }
        },
        async responseForOperation(rc: GraphQLRequestContext<RequestContext>): Promise<GraphQLResponse | null> {
          const ctx = rc.contextValue;
          if (!ctx.idempotencyKey) return null;
          try {
            const claim = await store.claim(ctx, ctx.idempotencyKey, operationHash(rc.source ?? '', rc.request.variables));
            if (claim.kind === 'new') {
              claimed = true;
              return null;
            }
            if (claim.kind === 'mismatch') {
              return errorResponse(
                formatError(
                  {
                    message:
                      'This Idempotency-Key was already used for a different operation or different variables: send each distinct change with a new key (a retry must repeat the operation exactly).',
                    extensions: { code: 'BAD_USER_INPUT' },
                  },
                  undefined,
                ),
                400,
              );
            }
            const response: GraphQLResponse = {
              http: { status: 200, headers: new HeaderMap([['idempotent-replayed', 'true']]) },
              body: { kind: 'single', singleResult: { data: claim.data as Record<string, unknown> } },
            };
            return response;
          } catch (error) {
            return errorResponse(formatError({ message: 'Internal server error', extensions: {} }, error));
          }
        },
        async didEncounterErrors(rc) {
          await observe.didEncounterErrors?.(rc);
        },
        async willSendResponse(rc) {
          const ctx = rc.contextValue;
          const body = rc.response.body;
          const result = body?.kind === 'single' ? body.singleResult : body?.initialResult;
          const mutation = rc.operation?.operation === OperationTypeNode.MUTATION;
          const errors = responseErrors(rc).length;
          const commit = !mutation || errors === 0;
          try {
            if (commit && claimed && ctx.idempotencyKey) await store.save(ctx, ctx.idempotencyKey, result?.data);
            await ctx.finish(commit);
            // The gateway's response cache may keep this part of an answer only when it holds no personal
            // data, masked or not (the audit must see every unmasked read), and nothing failed (gateway response-cache.ts).
            if (responseCacheSeconds > 0)
              rc.response.http.headers.set(
                'cache-control',
                !mutation && errors === 0 && !ctx.holdsPersonalData ? `private, max-age=${responseCacheSeconds}` : 'no-store',
              );
            // A mutation document is atomic in its subgraph: with any error, every change in it is rolled
            // back, so no field of it may be answered as done (the data goes, the reason is said).
            // With one field, its own error says it failed; with several, the ones without an error were rolled back too.
            if (!commit && result && (result.data != null || rootFieldCount(rc.operation?.selectionSet) > 1)) {
              result.data = null;
              result.errors = [...(result.errors ?? []), notSaved(errors)];
            }
          } catch (error) {
            // Nothing of this request was saved (or it cannot be known): no data goes out.
            await ctx.finish(false).catch(() => undefined);
            const deliberate = error instanceof GraphQLError && error.extensions?.code === DEADLINE_EXCEEDED;
            const formatted = deliberate
              ? { message: error.message, extensions: { code: DEADLINE_EXCEEDED } }
              : { message: 'Internal server error', extensions: {} };
            rc.response.body = { kind: 'single', singleResult: { data: null, errors: [formatError(formatted, error)] } };
          }
          await observe.willSendResponse?.(rc);
        },
      };
    },
  };
}

/**
 * Starts one subgraph's HTTP server — /graphql, /health (liveness), /ready (database and migrations) —
 * and its operations server on another port: /metrics.
 */
export async function startSubgraph(def: SubgraphDefinition, options: StartSubgraphOptions = {}): Promise<StartedSubgraph> {
  const logger = options.logger ?? createLogger(`subgraph-${def.name}`);
  let dataSource = options.dataSource;
  const ownsDataSource = !dataSource;
  if (!dataSource) {
    const url = appDatabaseUrl(options.databaseUrl ?? subgraphDatabaseUrl(def.name));
    dataSource = await connect(subgraphDataSource(def, url), url);
  }
  const db = dataSource;
  const verify = createVerifier(options.auth ?? authConfigFromEnvironment());
  const peers = options.peers ?? peerUrlsFromEnvironment();
  const throttle = new AuthThrottle({ ...authThrottleFromEnvironment(), ...options.authThrottle }, def.name);
  await throttle.ready();
  // Partner tokens made from an API key are refused here too once the key is revoked (auth/key-check.ts).
  const keyCheck = new PartnerKeyCheck(() => peers.pairing, options.keyCheckCacheSeconds ?? keyCheckCacheSecondsFromEnvironment());
  // Staff tokens are served only while a current appointment backs them (auth/appointment-check.ts).
  const appointmentCheck = new AppointmentCheck(
    () => peers.district,
    { ...appointmentCheckFromEnvironment(), ...options.appointments },
    undefined,
    undefined,
    () => peers.community,
  );
  const tracing = options.tracing ?? createTracing(def.name);
  const metrics = new ServiceMetrics(def.name);
  metrics.observePool(() => poolOf(db));
  const timedOut = metrics.databaseTimeouts();
  watchSessionTimeouts(db, timedOut);
  const idempotency = new IdempotencyStore(def.name);
  const figuresCache = new FiguresCache((options.statisticsCacheSeconds ?? setting('STATISTICS_CACHE_SECONDS')) * 1000, 20_000, metrics.figuresCacheLookups());
  const formatError = maskError(logger);
  const schema = await protectedSchema(def);
  // The gateway's operation limits hold here too: a subgraph called directly is not softer than the gateway.
  const limits = operationLimitOptions({ ...limitsFromEnvironment(), ...options.limits });
  const server = new ApolloServer<RequestContext>({
    schema,
    validationRules: limits.validationRules,
    introspection: limits.introspection,
    includeStacktraceInErrorResponses: false,
    formatError,
    // The process stops the server itself, after draining (runSubgraphProcess).
    stopOnTerminationSignals: false,
    // Inline tracing and cache hints are not used: their per-field hooks would only cost CPU.
    plugins: [
      ApolloServerPluginInlineTraceDisabled(),
      ApolloServerPluginCacheControlDisabled(),
      ...limits.plugins,
      entityRepresentationsCheck,
      subgraphRequestPlugin(
        idempotency,
        formatError,
        observabilityPlugin<RequestContext>(metrics, logger),
        options.responseCacheSeconds ?? setting('RESPONSE_CACHE_SECONDS'),
      ),
    ],
  });
  await server.start();
  const port = options.port ?? servicePort(def.name);
  // Metrics first: a taken metrics port fails the start before the public port takes any request.
  const operations = await serveOperations({
    port: options.metricsPort ?? metricsPort(def.name, undefined, port),
    host: options.metricsHost ?? metricsHost(),
    routes: { '/metrics': metrics.route() },
  });
  // Every subgraph verifies the caller again: it must be safe even when reached directly. An address
  // that keeps failing is refused before its token is even looked at (auth/throttle.ts); nothing here
  // touches the database until the caller is known.
  const verifyCaller = (address: string, authorization: string | undefined) =>
    throttle.guard(address, async () => {
      const verified = await verify(authorization);
      await keyCheck.ensureActive(verified, authorization);
      await appointmentCheck.ensureBacked(verified, authorization);
      return verified;
    });
  // The request's context, the same whichever way the request came: over HTTP, or from the gateway of
  // this process with the caller it verified (the single-machine topology; in-process.ts).
  const contextFor = async (
    scope: RequestScope | undefined,
    header: (name: string) => string | undefined,
    identify: () => Promise<Identity>,
    authorization = header('authorization'),
  ) => {
    const identity = await identify();
    const ctx = new RequestContext(db, identity, scope?.requestId ?? header('x-request-id'), authorization, peers);
    ctx.figuresCache = figuresCache;
    ctx.inProcessPeers = options.inProcessPeers;
    ctx.deadline = deadlineFrom(header(DEADLINE_HEADER));
    ctx.onStatementTimeout = () => timedOut('statement');
    ctx.requestScope = scope;
    if (tracing.enabled && scope?.context) ctx.trace = { tracer: tracing.tracer, context: scope.context, namespace: def.name };
    return ctx;
  };
  const http = await serveApollo<RequestContext>({
    server,
    port,
    host: options.host ?? setting('HOST'),
    tracing,
    context: ({ req }: { req: IncomingMessage }) => {
      const header = (name: string) => {
        const value = req.headers[name];
        return Array.isArray(value) ? value[0] : value;
      };
      return contextFor(requestScopeOf(req), header, () => verifyCaller(throttle.addressOf(req), req.headers.authorization));
    },
    // Whatever happened (field errors, a thrown plugin, a resolver still running after the answer), the
    // request's transaction ends here: rolled back unless the plugin committed it already.
    endRequest: (ctx) => ctx.finish(false),
    routes: {
      ...def.routes?.(db, verify),
      '/health': (_req, res) => json(res, 200, { status: 'ok', service: def.name, ...instanceOf() }),
      '/ready': async (_req, res) => {
        if (http.draining) return json(res, 503, { status: 'shutting down', service: def.name });
        const readiness = await subgraphReadiness(db, def.name, 1000, () => poolOf(db));
        json(res, readiness.ready ? 200 : 503, { ...readiness, service: def.name });
      },
    },
  });
  const inProcess = inProcessEntry<RequestContext>({
    name: def.name,
    server,
    tracing,
    formatError,
    // The gateway of this process verified the caller for this request; without it, the token is checked here.
    context: (scope, header, caller) =>
      caller
        ? contextFor(scope, header, () => Promise.resolve(caller.identity), caller.authorization)
        : contextFor(scope, header, () => verifyCaller(IN_PROCESS_ADDRESS, header('authorization'))),
    endRequest: (ctx) => ctx.finish(false),
    draining: () => http.draining,
  });
  // Every caller's expired idempotency keys go, now and then (a missing table means migrations are pending: /ready says so).
  const expiry = setInterval(() => void idempotency.expire(db).catch(() => undefined), 15 * 60_000);
  expiry.unref();
  const workers = def.workers?.(db, logger, peers) ?? [];
  logger.info({ url: http.url, metrics: `${operations.url}/metrics`, tracing: tracing.enabled }, `${def.name} subgraph ready`);
  return {
    name: def.name,
    url: http.url,
    dataSource: db,
    http,
    inProcess,
    metrics,
    operations,
    metricsUrl: `${operations.url}/metrics`,
    async stop() {
      clearInterval(expiry);
      const grace = setting('SHUTDOWN_GRACE_MS');
      const started = Date.now();
      try {
        await http.close(grace);
        // The gateway of this process stopped first; what it still runs here ends before the pool closes.
        await inProcess.settled(Math.max(0, grace - (Date.now() - started)));
        await operations.close();
        await server.stop();
        await throttle.close();
      } finally {
        // Whatever failed above, the workers stop, and before the pool closes: a job in progress is rolled back and resumed by the next start.
        for (const worker of workers) await worker.stop().catch((err: unknown) => logger.warn({ err }, 'a background worker failed to stop'));
        if (ownsDataSource && db.isInitialized) await db.destroy();
        await tracing.shutdown();
      }
    },
  };
}

/** Applies a subgraph's migrations to its database. */
export async function migrateSubgraph(def: SubgraphDefinition, url: string): Promise<string[]> {
  const ds = await connect(subgraphDataSource(def, url), url);
  try {
    return await migrate(ds);
  } finally {
    await ds.destroy();
  }
}

/**
 * Stops a service on SIGTERM or SIGINT: it stops taking requests, finishes those in flight, closes its
 * pool, and the process exits 0 (1 if stopping failed). A second signal while stopping is ignored.
 */
export function stopOnSignals(logger: Logger, stop: () => Promise<void>): void {
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: draining requests in flight');
    stop().then(
      () => {
        logger.info('stopped');
        logger.flush?.();
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

/** Whether start-up failures should show their details (DEBUG=1 or LOG_LEVEL=debug/trace). */
export function isDebug(env?: Env): boolean {
  // Never throws: it decides how a failure (a bad setting among them) is shown.
  const read = <K extends 'DEBUG' | 'LOG_LEVEL'>(name: K) => {
    try {
      return setting(name, env);
    } catch {
      return undefined;
    }
  };
  const debug = read('DEBUG');
  const level = read('LOG_LEVEL');
  return (!!debug && debug !== '0') || level === 'debug' || level === 'trace';
}

/**
 * The one line for a service whose port cannot be bound (EADDRINUSE, EACCES), naming the port and the
 * variable that moves it — its public port's or, for its operations server, its metrics port's; none
 * for any other failure.
 */
export function portProblem(service: SubgraphName | 'gateway', error: unknown): string | undefined {
  const { code, port } = error as { code?: string; port?: number };
  if (code !== 'EADDRINUSE' && code !== 'EACCES') return undefined;
  const metrics = port !== undefined && port === metricsPort(service) && port !== servicePort(service);
  const variable = `${service.toUpperCase()}_${metrics ? 'METRICS_PORT' : 'PORT'}`;
  const label = service === 'gateway' ? 'gateway' : `${service} subgraph`;
  return `${label}: port ${port} ${code === 'EADDRINUSE' ? 'is in use by another program' : 'may not be used'}; set ${variable} (or PORT_BASE with the launcher) to a free port.`;
}

/** Entry point of a subgraph process: `node main.js` serves, `node main.js migrate` applies migrations. */
export function runSubgraphProcess(def: SubgraphDefinition): void {
  // Every variable the subgraph uses is checked first: a bad one stops it here with every problem listed.
  const command = process.argv[2] ?? 'serve';
  startupConfig(command === 'migrate' ? 'migrations' : def.name);
  const logger = createLogger(`subgraph-${def.name}`);
  const main = async () => {
    if (command === 'migrate') {
      const applied = await migrateSubgraph(def, subgraphDatabaseUrl(def.name));
      logger.info({ applied }, `${def.name}: ${applied.length} migration(s) applied`);
      return;
    }
    const started = await startSubgraph(def);
    stopOnSignals(logger, () => started.stop());
  };
  main().catch((error) => {
    const port = portProblem(def.name, error);
    if (error instanceof DatabaseUnreachableError) {
      process.stderr.write(`${def.name} subgraph: ${error.message}\n`);
    } else if (port) {
      process.stderr.write(`${port}\n`);
      if (isDebug()) logger.fatal({ err: error }, `${def.name} subgraph failed to start`);
    } else {
      logger.fatal({ err: error }, `${def.name} subgraph failed to start`);
    }
    process.exit(1);
  });
}
