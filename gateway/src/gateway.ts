import type { IncomingMessage } from 'node:http';
import { ApolloGateway, RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { randomUUID } from 'node:crypto';
import { authConfigFromEnvironment, createLogger, createVerifier, json, maskError, serveApollo, SUBGRAPH_NAMES, type AuthConfig, type Identity, type RunningHttpServer } from '@cgp/core';
import { readCommittedSupergraph } from './compose';
import { dashboardRoute } from './dashboard';

export interface GatewayContext {
  requestId: string;
  authorization?: string;
  identity: Identity;
}

export interface GatewayOptions {
  port?: number;
  host?: string;
  /** Supergraph SDL; defaults to the committed gateway/supergraph.graphql. */
  supergraphSdl?: string;
  /** Subgraph URLs by name, overriding the supergraph's; defaults to `<NAME>_URL` from the environment. */
  subgraphUrls?: Partial<Record<string, string>>;
  auth?: AuthConfig;
}

export interface RunningGateway {
  url: string;
  http: RunningHttpServer;
  stop(): Promise<void>;
}

/** Forwards the caller's identity and the request id to every subgraph. */
class ForwardingDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    if (!request.http) return;
    if ('requestId' in context && context.requestId) request.http.headers.set('x-request-id', context.requestId);
    if ('authorization' in context && context.authorization) request.http.headers.set('authorization', context.authorization);
  }

  /**
   * A subgraph answers HTTP 400 when the caller's variables do not coerce (a `Date` that is no calendar
   * date, say). Pass its own error on — message and code — instead of the gateway's bare "400: Bad Request".
   */
  override async errorFromResponse(response: Parameters<RemoteGraphQLDataSource["errorFromResponse"]>[0]): Promise<GraphQLError> {
    const error = await super.errorFromResponse(response);
    const body = (error.extensions.response as { body?: unknown } | undefined)?.body as { errors?: GraphQLFormattedError[] } | undefined;
    const first = Array.isArray(body?.errors) ? body.errors[0] : undefined;
    const code = first?.extensions?.code;
    if (response.status === 400 && first && (code === 'BAD_USER_INPUT' || code === 'GRAPHQL_VALIDATION_FAILED')) {
      return new GraphQLError(first.message, { extensions: { code } });
    }
    return error;
  }
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
  const gateway = new ApolloGateway({
    supergraphSdl: options.supergraphSdl ?? readCommittedSupergraph(),
    buildService: ({ name, url }) => new ForwardingDataSource({ url: overrides[name] ?? url }),
  });
  const server = new ApolloServer<GatewayContext>({
    gateway,
    includeStacktraceInErrorResponses: false,
    formatError: maskError(logger),
    plugins: [ApolloServerPluginInlineTraceDisabled()],
  });
  await server.start();
  const http = await serveApollo<GatewayContext>({
    server,
    port: options.port ?? 4000,
    host: options.host,
    // The gateway refuses unauthenticated callers before planning anything; subgraphs verify again.
    context: async ({ req }: { req: IncomingMessage }) => ({
      identity: await verify(req.headers.authorization),
      requestId: (req.headers['x-request-id'] as string | undefined) ?? randomUUID(),
      authorization: req.headers.authorization,
    }),
    routes: {
      '/health': (_req, res) => json(res, 200, { status: 'ok', service: 'gateway' }),
      // The reference dashboard page (gateway/dashboard/): a client of the public /graphql like any other.
      '/dashboard/*': dashboardRoute(),
    },
  });
  logger.info({ url: http.url }, 'gateway ready');
  return {
    url: http.url,
    http,
    async stop() {
      await http.close();
      await server.stop();
    },
  };
}
