import type { IncomingMessage } from 'node:http';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { randomUUID } from 'node:crypto';
import {
  AppointmentCheck,
  appointmentCheckFromEnvironment,
  AuthThrottle,
  authThrottleFromEnvironment,
  authConfigFromEnvironment,
  createLogger,
  createVerifier,
  instanceOf,
  json,
  maskError,
  metricsHost,
  metricsPort,
  requestScopeOf,
  serveApollo,
  serveOperations,
  setting,
  SUBGRAPH_NAMES,
  type AppointmentCheckOptions,
  type AuthConfig,
  type Env,
  type Verifier,
  type AuthThrottleOptions,
  type RunningHttpServer,
  type RunningOperationsServer,
  type InProcessSubgraph,
} from '@cgp/core';
import { readCommittedSupergraph } from './compose';
import { limitsFromEnvironment, operationLimitOptions, type OperationLimits } from './limits';
import { SubgraphSource, subgraphFetchFromEnvironment, type GatewayContext, type SubgraphFetchOptions } from './subgraph-source';
import { InProcessSubgraphSource } from './in-process-source';
import { exportRoute } from './export';
import { attachmentRoute } from './attachments';
import { open311Route } from './open311';
import { dashboardRoute, dashboardSignInFromEnvironment, type DashboardSignIn } from './dashboard';
import { partnerApiHooks, type PartnerApiSettings } from './partner-api';
import { subgraphUrlOf } from './partner-auth';
import { gatewayObservability } from './observability';
import { responseCachePlugins } from './response-cache';

export type { GatewayContext } from './subgraph-source';

export interface GatewayOptions extends PartnerApiSettings {
  port?: number;
  host?: string;
  /** Port of the operations server (/metrics); default metricsPort(): GATEWAY_METRICS_PORT, METRICS_PORT, or port + 100 (0 with port 0). */
  metricsPort?: number;
  /** Its interface; default METRICS_HOST or 127.0.0.1. */
  metricsHost?: string;
  /** Supergraph SDL; defaults to the committed gateway/supergraph.graphql. */
  supergraphSdl?: string;
  /** Subgraph URLs by name, overriding the supergraph's; defaults to `<NAME>_URL` from the environment. */
  subgraphUrls?: Partial<Record<string, string>>;
  /**
   * Subgraphs running in this process, by name (the single-machine topology, TOPOLOGY=single): their
   * fetches call the subgraph's request handler directly, with the caller this gateway verified, instead
   * of HTTP. Whoever starts both passes them (the launcher); the gateway never imports subgraph code and
   * still plans by the supergraph's SDL. The subgraphs not listed are reached over HTTP.
   */
  inProcessSubgraphs?: Partial<Record<string, InProcessSubgraph>>;
  auth?: AuthConfig;
  /** How the dashboard signs in through OpenID Connect; default from the environment (DASHBOARD_OIDC_*); null: pasted tokens only. */
  dashboardSignIn?: DashboardSignIn | null;
  /** Operation limits; default from the environment (GATEWAY_MAX_*). */
  limits?: Partial<OperationLimits>;
  /** Subgraph fetch timeout and sockets; default from the environment (GATEWAY_SUBGRAPH_*). */
  subgraphFetch?: Partial<SubgraphFetchOptions>;
  /** How long a query's answer without personal data is kept for the same caller; default RESPONSE_CACHE_SECONDS (0: off; response-cache.ts). */
  responseCacheSeconds?: number;
  /** Throttling of failed authentication per client address; default from the environment (AUTH_FAILURE_*, TRUST_PROXY_HOPS, REDIS_URL). */
  authThrottle?: Partial<AuthThrottleOptions>;
  /** Whether staff tokens need a current appointment (asked of the district subgraph); default AUTH_APPOINTMENTS, AUTH_APPOINTMENT_CHECK_CACHE_SECONDS. */
  appointments?: Partial<AppointmentCheckOptions>;
}

export interface RunningGateway {
  url: string;
  http: RunningHttpServer;
  /** The operations server: /metrics, on its own port (never the public one). */
  operations: RunningOperationsServer;
  /** Its Prometheus scrape URL, e.g. http://127.0.0.1:4100/metrics. */
  metricsUrl: string;
  stop(): Promise<void>;
}

export function subgraphUrlsFromEnvironment(env?: Env): Record<string, string> {
  const urls: Record<string, string> = {};
  for (const name of SUBGRAPH_NAMES) {
    const url = setting(`${name.toUpperCase() as Uppercase<typeof name>}_URL`, env);
    if (url) urls[name] = url;
  }
  return urls;
}

export async function startGateway(options: GatewayOptions = {}): Promise<RunningGateway> {
  const logger = createLogger('gateway');
  const overrides = options.subgraphUrls ?? subgraphUrlsFromEnvironment();
  const auth = options.auth ?? authConfigFromEnvironment();
  const verifyToken = createVerifier(auth);
  const supergraphSdl = options.supergraphSdl ?? readCommittedSupergraph();
  // A staff token is served only while a current appointment backs it (the subgraphs check again).
  // A resident token only while its household is registered in its community (asked of the community subgraph).
  const appointments = new AppointmentCheck(
    () => overrides.district ?? subgraphUrlOf(supergraphSdl, 'district'),
    { ...appointmentCheckFromEnvironment(), ...options.appointments },
    undefined,
    undefined,
    () => overrides.community ?? subgraphUrlOf(supergraphSdl, 'community'),
  );
  const verify: Verifier = async (authorization) => {
    const identity = await verifyToken(authorization);
    await appointments.ensureBacked(identity, authorization);
    return identity;
  };
  // Failed sign-ins per client address (bad tokens, bogus keys): shared by the replicas through REDIS_URL.
  const throttle = new AuthThrottle({ ...authThrottleFromEnvironment(), ...options.authThrottle }, 'gateway');
  await throttle.ready();
  const observability = gatewayObservability(logger);
  const fetchOptions = { ...subgraphFetchFromEnvironment(), observer: observability.fetches, ...options.subgraphFetch };
  const sources: (SubgraphSource | InProcessSubgraphSource)[] = [];
  // Partner API keys, the partner safelist and per-caller rate limits (partner-api.ts).
  const partnerApi = partnerApiHooks(options, { auth, verify, throttle, supergraphSdl, pairingUrl: overrides.pairing, timeoutMs: fetchOptions.timeoutMs });
  const gateway = new ApolloGateway({
    supergraphSdl,
    // Sized: the platform's clients send a few hundred distinct operations, a plan is a few kB
    // (@apollo/gateway's default is ~30 MiB).
    experimental_approximateQueryPlanStoreMiB: fetchOptions.queryPlanCacheMiB ?? 8,
    buildService: ({ name, url }) => {
      const local = options.inProcessSubgraphs?.[name];
      const source = local
        ? new InProcessSubgraphSource(name, overrides[name] ?? url ?? '', local, fetchOptions)
        : new SubgraphSource(name, overrides[name] ?? url ?? '', fetchOptions);
      sources.push(source);
      return source;
    },
  });
  const limits = { ...limitsFromEnvironment(), ...options.limits };
  const guarded = operationLimitOptions(limits);
  const server = new ApolloServer<GatewayContext>({
    gateway,
    includeStacktraceInErrorResponses: false,
    // The process handles SIGTERM itself (main.ts: stop taking requests, drain, close, exit 0); Apollo's own
    // handler would re-raise the signal after stopping and end the process by it instead.
    stopOnTerminationSignals: false,
    formatError: maskError(logger),
    introspection: guarded.introspection,
    validationRules: guarded.validationRules,
    allowBatchedHttpRequests: guarded.allowBatchedHttpRequests,
    // No cache hints are used: the cache-control plugin's per-field hook would only cost CPU.
    // The partner API's plugins first: its safelist judges a partner's persisted-query hash (and its
    // rate limit the caller) before the operation limits look at the text (the first refusal wins).
    plugins: [
      ApolloServerPluginInlineTraceDisabled(),
      ApolloServerPluginCacheControlDisabled(),
      ...partnerApi.plugins,
      ...guarded.plugins,
      observability.plugin,
      // Last: a kept answer is looked up once every check above has passed for this request.
      ...responseCachePlugins(options.responseCacheSeconds ?? setting('RESPONSE_CACHE_SECONDS')),
    ],
  });
  await server.start();
  /** The public server, once it listens (the routes below read it). */
  const listening: { http?: RunningHttpServer } = {};
  const port = options.port ?? 4000;
  const operations = await serveOperations({
    port: options.metricsPort ?? metricsPort('gateway', undefined, port),
    host: options.metricsHost ?? metricsHost(),
    routes: observability.operationsRoutes(),
  });
  const http = await serveApollo<GatewayContext>({
    server,
    tracing: observability.tracing,
    port,
    host: options.host,
    maxBatch: limits.maxBatch,
    // The gateway refuses unauthenticated callers before planning anything; subgraphs verify again.
    // A partner API key is checked here too, and replaced by a short-lived token for the subgraphs.
    // An address over its failed sign-ins is refused before its token or key is looked at.
    context: async ({ req }: { req: IncomingMessage }) => ({
      ...(await throttle.guard(throttle.addressOf(req), () => partnerApi.authenticate(req))),
      requestId: (req.headers['x-request-id'] as string | undefined) ?? randomUUID(),
      requestScope: requestScopeOf(req),
    }),
    routes: {
      '/health': (_req, res) => json(res, 200, { status: 'ok', service: 'gateway', ...instanceOf() }),
      ...observability.routes(
        () => listening.http,
        () => Object.fromEntries(sources.map((s) => [s.name, s.url])),
      ),
      // The reference dashboard page (gateway/dashboard/): a client of the public /graphql like any other.
      '/dashboard/*': dashboardRoute({
        signIn: (options.dashboardSignIn === undefined ? dashboardSignInFromEnvironment() : options.dashboardSignIn) ?? undefined,
      }),
      // POST /export: a dashboard list as CSV or Excel, run through /graphql with the caller's token, audited.
      '/export': exportRoute(() => listening.http?.url, logger),
      // GET /cases/attachments/<id>: a case's file, read through /graphql with the caller's token (issue 15).
      '/cases/attachments/*': attachmentRoute(() => listening.http?.url, logger),
      // Open311 GeoReport v2: clients' api_keys call as their district's HOTLINE service caller (issue 15).
      '/open311/v2/*': open311Route(() => listening.http?.url, auth, logger, throttle),
      // POST /auth/token (partner API key → short-lived token) and GET /safelist (the partner operations).
      ...partnerApi.routes,
    },
  });
  listening.http = http;
  logger.info({ url: http.url, metrics: `${operations.url}/metrics`, tracing: observability.tracing.enabled }, 'gateway ready');
  return {
    url: http.url,
    http,
    operations,
    metricsUrl: `${operations.url}/metrics`,
    async stop() {
      await http.close();
      await operations.close();
      await server.stop();
      await Promise.all(sources.map((s) => s.close()));
      await observability.shutdown();
      await throttle.close();
    },
  };
}
