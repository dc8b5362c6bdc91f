import type { IncomingMessage } from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import type { GraphQLFormattedError, GraphQLSchema } from 'graphql';
import type { DataSource, MixedList, EntitySchema } from 'typeorm';
import { RequestContext } from './context';
import { connect, createDataSource, DatabaseUnreachableError, migrate, type Queryable } from './database';
import { appDatabaseUrl, readEnvironment, servicePort, SUBGRAPH_NAMES, subgraphDatabaseUrl, type SubgraphName } from './environment';
import { authConfigFromEnvironment, createVerifier, type AuthConfig, type Verifier } from './auth/verify';
import { protect } from './auth/permissions';
import type { IRules } from 'graphql-shield/typings/types';
import { json, serveApollo, type HttpRoute, type RunningHttpServer } from './http';
import { createLogger, type Logger } from './logger';

/** Everything the platform needs to know about one subgraph. */
export interface SubgraphDefinition {
  name: SubgraphName;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  entities: MixedList<Function | string | EntitySchema<any>>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  migrations: MixedList<Function | string>;
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
}

function peerUrlsFromEnvironment(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const peers: Record<string, string> = {};
  for (const name of SUBGRAPH_NAMES) {
    const url = env[`${name.toUpperCase()}_URL`];
    if (url) peers[name] = url;
  }
  return peers;
}

/** Masks anything that is not a deliberate, coded GraphQL error: no SQL, stack or internals reach a caller. */
export function maskError(logger: Logger) {
  const deliberate = new Set(['BAD_USER_INPUT', 'UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT', 'GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED', 'BAD_REQUEST', 'PERSISTED_QUERY_NOT_FOUND', 'OPERATION_RESOLUTION_FAILURE', 'SUBGRAPH_UNAVAILABLE']);
  // The gateway's partner API refusals (gateway/src/safelist.ts, rate-limit.ts).
  deliberate.add('PERSISTED_QUERY_NOT_IN_SAFELIST').add('RATE_LIMITED');
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const code = formatted.extensions?.code as string | undefined;
    if (code && deliberate.has(code)) {
      const { stacktrace: _stack, ...extensions } = formatted.extensions ?? {};
      void _stack;
      return { ...formatted, extensions };
    }
    logger.error({ err: (error as { originalError?: unknown }).originalError ?? error, path: formatted.path }, 'unexpected error');
    return { message: 'Internal server error', path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  };
}

export interface StartedSubgraph {
  name: SubgraphName;
  url: string;
  dataSource: DataSource;
  http: RunningHttpServer;
  stop(): Promise<void>;
}

export interface StartSubgraphOptions {
  port?: number;
  host?: string;
  /** An initialised data source to use (tests share one); otherwise one is created from the environment. */
  dataSource?: DataSource;
  /** The owner URL of the subgraph's database; the subgraph connects to it as the application role. */
  databaseUrl?: string;
  auth?: AuthConfig;
  /** URLs of the other subgraphs (for calls on the caller's behalf); default `<NAME>_URL` from the environment. */
  peers?: Record<string, string>;
}

/** The subgraph's schema as served: built, then wrapped in its graphql-shield permissions. */
export async function protectedSchema(def: SubgraphDefinition): Promise<GraphQLSchema> {
  return protect(await def.buildSchema(), def.permissions);
}

export function subgraphDataSource(def: SubgraphDefinition, url: string): DataSource {
  const env = readEnvironment();
  return createDataSource({ schema: def.name, url, entities: def.entities, migrations: def.migrations, poolSize: env.DATABASE_POOL_SIZE });
}

/** Starts one subgraph's HTTP server: /graphql, /health (liveness) and /ready (database reachable). */
export async function startSubgraph(def: SubgraphDefinition, options: StartSubgraphOptions = {}): Promise<StartedSubgraph> {
  const logger = createLogger(`subgraph-${def.name}`);
  let dataSource = options.dataSource;
  const ownsDataSource = !dataSource;
  if (!dataSource) {
    const url = appDatabaseUrl(options.databaseUrl ?? subgraphDatabaseUrl(def.name));
    dataSource = await connect(subgraphDataSource(def, url), url);
  }
  const db = dataSource;
  const verify = createVerifier(options.auth ?? authConfigFromEnvironment());
  const peers = options.peers ?? peerUrlsFromEnvironment();
  const schema = await protectedSchema(def);
  const server = new ApolloServer<RequestContext>({
    schema,
    includeStacktraceInErrorResponses: false,
    // The process handles SIGTERM itself (stop taking requests, finish, close, exit 0); Apollo's own
    // handler would re-raise the signal after stopping and end the process by it instead.
    stopOnTerminationSignals: false,
    formatError: maskError(logger),
    plugins: [
      ApolloServerPluginInlineTraceDisabled(),
      {
        // Ends each request's scoped transaction: a mutation that raised any error is rolled back
        // whole (bad input changes nothing); reads commit, so their audit records are kept.
        async requestDidStart() {
          return {
            async didResolveOperation({ contextValue, operationName }) {
              // The gateway names its subgraph fetches <operation>__<subgraph>__<n>; the audit log keeps the caller's name.
              contextValue.operationName = operationName?.replace(/__[a-z]+__\d+$/, '') ?? undefined;
            },
            async willSendResponse({ contextValue, errors, operation }) {
              await contextValue.finish(operation?.operation !== 'mutation' || !errors?.length);
            },
          };
        },
      },
    ],
  });
  await server.start();
  const http = await serveApollo<RequestContext>({
    server,
    port: options.port ?? servicePort(def.name),
    host: options.host ?? process.env.HOST,
    // Every subgraph verifies the caller again: it must be safe even when reached directly.
    context: async ({ req }: { req: IncomingMessage }) =>
      new RequestContext(db, await verify(req.headers.authorization), req.headers['x-request-id'] as string | undefined, req.headers.authorization, peers),
    routes: {
      ...def.routes?.(db, verify),
      '/health': (_req, res) => json(res, 200, { status: 'ok', service: def.name }),
      '/ready': async (_req, res) => {
        try {
          await db.query('SELECT 1');
          json(res, 200, { status: 'ready', service: def.name });
        } catch {
          json(res, 503, { status: 'database unreachable', service: def.name });
        }
      },
    },
  });
  logger.info({ url: http.url }, `${def.name} subgraph ready`);
  return {
    name: def.name,
    url: http.url,
    dataSource: db,
    http,
    async stop() {
      await http.close();
      await server.stop();
      if (ownsDataSource) await db.destroy();
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

/** Entry point of a subgraph process: `node main.js` serves, `node main.js migrate` applies migrations. */
export function runSubgraphProcess(def: SubgraphDefinition): void {
  const logger = createLogger(`subgraph-${def.name}`);
  const command = process.argv[2] ?? 'serve';
  const main = async () => {
    if (command === 'migrate') {
      const applied = await migrateSubgraph(def, subgraphDatabaseUrl(def.name));
      logger.info({ applied }, `${def.name}: ${applied.length} migration(s) applied`);
      return;
    }
    const started = await startSubgraph(def);
    const shutdown = async () => {
      await started.stop();
      process.exit(0);
    };
    process.once('SIGTERM', shutdown);
    process.once('SIGINT', shutdown);
  };
  main().catch((error) => {
    if (error instanceof DatabaseUnreachableError) {
      process.stderr.write(`${def.name} subgraph: ${error.message}\n`);
    } else {
      logger.fatal({ err: error }, `${def.name} subgraph failed to start`);
    }
    process.exit(1);
  });
}
