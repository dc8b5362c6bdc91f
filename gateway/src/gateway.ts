import type { IncomingMessage } from 'node:http';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { randomUUID } from 'node:crypto';
import { authConfigFromEnvironment, createLogger, createVerifier, json, maskError, serveApollo, SUBGRAPH_NAMES, type AuthConfig, type RunningHttpServer } from '@cgp/core';
import { readCommittedSupergraph } from './compose';
import { limitsFromEnvironment, operationLimitOptions, type OperationLimits } from './limits';
import { SubgraphSource, subgraphFetchFromEnvironment, type GatewayContext, type SubgraphFetchOptions } from './subgraph-source';
import { dashboardRoute } from './dashboard';
import { gatewayObservability } from './observability';

export type { GatewayContext } from './subgraph-source';

export interface GatewayOptions {
  port?: number;
  host?: string;
  /** Supergraph SDL; defaults to the committed gateway/supergraph.graphql. */
  supergraphSdl?: string;
  /** Subgraph URLs by name, overriding the supergraph's; defaults to `<NAME>_URL` from the environment. */
  subgraphUrls?: Partial<Record<string, string>>;
  auth?: AuthConfig;
  /** Operation limits; default from the environment (GATEWAY_MAX_*). */
  limits?: Partial<OperationLimits>;
  /** Subgraph fetch timeout and sockets; default from the environment (GATEWAY_SUBGRAPH_*). */
  subgraphFetch?: Partial<SubgraphFetchOptions>;
}

export interface RunningGateway {
  url: string;
  http: RunningHttpServer;
  stop(): Promise<void>;
}

export function subgraphUrlsFromEnvironment(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const urls: Record<string, string> = {};
  for (const name of SUBGRAPH_NAMES) {
    const url = env[`${name.toUpperCase()}_URL`];
    if (url) urls[name] = url;
  }
  return urls;
}

export async function startGateway(options: GatewayOptions = {}): Promise<RunningGateway> {
  const logger = createLogger('gateway');
  const overrides = options.subgraphUrls ?? subgraphUrlsFromEnvironment();
  const verify = createVerifier(options.auth ?? authConfigFromEnvironment());
  const observability = gatewayObservability(logger);
  const fetchOptions = { ...subgraphFetchFromEnvironment(), observer: observability.fetches, ...options.subgraphFetch };
  const sources: SubgraphSource[] = [];
  const gateway = new ApolloGateway({
    supergraphSdl: options.supergraphSdl ?? readCommittedSupergraph(),
    buildService: ({ name, url }) => {
      const source = new SubgraphSource(name, overrides[name] ?? url ?? '', fetchOptions);
      sources.push(source);
      return source;
    },
  });
  const limits = { ...limitsFromEnvironment(), ...options.limits };
  const guarded = operationLimitOptions(limits);
  const server = new ApolloServer<GatewayContext>({
    gateway,
    includeStacktraceInErrorResponses: false,
    formatError: maskError(logger),
    introspection: guarded.introspection,
    validationRules: guarded.validationRules,
    allowBatchedHttpRequests: guarded.allowBatchedHttpRequests,
    plugins: [ApolloServerPluginInlineTraceDisabled(), ...guarded.plugins, observability.plugin],
    // main.ts stops the server itself, after draining.
    stopOnTerminationSignals: false,
  });
  await server.start();
  let running: RunningHttpServer | undefined;
  const http = await serveApollo<GatewayContext>({
    server,
    tracing: observability.tracing,
    port: options.port ?? 4000,
    host: options.host,
    maxBatch: limits.maxBatch,
    // The gateway refuses unauthenticated callers before planning anything; subgraphs verify again.
    context: async ({ req }: { req: IncomingMessage }) => ({
      identity: await verify(req.headers.authorization),
      requestId: (req.headers['x-request-id'] as string | undefined) ?? randomUUID(),
      authorization: req.headers.authorization,
    }),
    routes: {
      '/health': (_req, res) => json(res, 200, { status: 'ok', service: 'gateway' }),
      ...observability.routes(() => running, () => Object.fromEntries(sources.map((s) => [s.name, s.url]))),
      // The reference dashboard page (gateway/dashboard/): a client of the public /graphql like any other.
      '/dashboard/*': dashboardRoute(),
    },
  });
  running = http;
  logger.info({ url: http.url, tracing: observability.tracing.enabled }, 'gateway ready');
  return {
    url: http.url,
    http,
    async stop() {
      await http.close();
      await server.stop();
      await Promise.all(sources.map((s) => s.close()));
      await observability.shutdown();
    },
  };
}
