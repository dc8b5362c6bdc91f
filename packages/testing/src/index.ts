import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { environmentWith, migrateAll, setting, signToken, startSubgraph, type Claims, type StartedSubgraph, type StartSubgraphOptions, type SubgraphDefinition } from '@cgp/core';
import { seedAll, type DemoDataset } from '@cgp/demo-data';
import { composeSupergraph, startGateway, SUBGRAPHS, type GatewayOptions, type RunningGateway } from '@cgp/gateway';

/** The HS256 secret the in-process test platform verifies tokens with. */
export const TEST_SECRET = 'test-secret-0123456789abcdef0123456789abcdef';
export const TEST_AUTH = { secret: TEST_SECRET };

/** A signed token for these claims (default roles: STAFF). */
export function tokenFor(claims: Partial<Claims> & Pick<Claims, 'tier'>, expiresIn: string | number = '10m'): Promise<string> {
  return signToken({ sub: `test-${claims.tier}-${claims.unit ?? claims.org ?? ''}`, roles: ['STAFF'], ...claims } as Claims, TEST_SECRET, expiresIn);
}

/** Authorization header for these claims. */
export async function authHeader(claims: Partial<Claims> & Pick<Claims, 'tier'>): Promise<Record<string, string>> {
  return { authorization: `Bearer ${await tokenFor(claims)}` };
}

/** A district-staff header for the demo district. */
export function districtStaff(code = '411602'): Promise<Record<string, string>> {
  return authHeader({ tier: 'DISTRICT', unit: code, roles: ['STAFF'] } as Claims);
}

/** URL of the test server's admin database, set by the jest global setup (an embedded PostgreSQL). */
export function testServerAdminUrl(): string {
  const url = setting('CGP_TEST_PG_ADMIN_URL');
  if (!url) throw new Error('CGP_TEST_PG_ADMIN_URL is not set: run the tests through jest (its global setup starts PostgreSQL)');
  return url;
}

/** Creates a fresh, empty database on the test server, so each test file owns its data and files run in parallel. */
export async function createTestDatabase(prefix = 't'): Promise<string> {
  const admin = testServerAdminUrl();
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const client = new Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Environment pointing every subgraph at one database URL. */
export function envFor(databaseUrl: string): NodeJS.ProcessEnv {
  return environmentWith({ DATABASE_URL: databaseUrl });
}

/** A fresh database with every subgraph's migrations applied and, optionally, demo data loaded. */
export async function preparedDatabase(options: { scale?: number; dataset?: DemoDataset; seed?: boolean } = {}): Promise<string> {
  const url = await createTestDatabase();
  const env = envFor(url);
  await migrateAll(SUBGRAPHS, env);
  if (options.seed !== false) await seedAll(SUBGRAPHS, { scale: options.scale ?? 0.1, dataset: options.dataset, env });
  return url;
}

/**
 * Gateway limits for tests that walk the whole demo hierarchy in one request (100 items per level):
 * the static cost bound of such a walk is far above the default limit, on purpose.
 */
export const NO_COST_LIMIT: Pick<GatewayOptions, 'limits'> = { limits: { maxCost: Number.MAX_SAFE_INTEGER } };

export interface InProcessPlatform {
  gatewayUrl: string;
  subgraphs: Record<string, StartedSubgraph>;
  gateway: RunningGateway;
  stop(): Promise<void>;
}

/** Gateway options a test may set on the platform it starts. */
export type PlatformGatewayOptions = Pick<GatewayOptions, 'limits' | 'rateLimits' | 'partnerSafelist' | 'partnerApi' | 'authThrottle'>;

/**
 * Starts all seven subgraphs and the gateway in this process, each on its own HTTP port.
 *
 * The gateway runs without per-caller rate limits and without the partner safelist unless the test
 * asks for them (`rateLimits`, `partnerSafelist: true`): scope tests send many ad-hoc operations, partner
 * ones included, to reach each subgraph's own defences. gateway/test/partner-api.test.ts tests both.
 */
export async function startPlatform(
  databaseUrl: string,
  defs: readonly SubgraphDefinition[] = SUBGRAPHS,
  gatewayOptions: PlatformGatewayOptions = {},
  /** Options every subgraph starts with (e.g. `statisticsCacheSeconds`). */
  subgraphOptions: Pick<StartSubgraphOptions, 'statisticsCacheSeconds'> = {},
): Promise<InProcessPlatform> {
  const started: Record<string, StartedSubgraph> = {};
  // Filled once every subgraph listens: the subgraphs reach each other through it.
  const peers: Record<string, string> = {};
  // The subgraphs get the gateway's limits, as in production (a test that lifts a limit lifts it on both routes).
  for (const def of defs) started[def.name] = await startSubgraph(def, { ...subgraphOptions, limits: gatewayOptions.limits, port: 0, databaseUrl, auth: TEST_AUTH, peers });
  for (const s of Object.values(started)) peers[s.name] = s.url;
  const gateway = await startGateway({
    rateLimits: false,
    partnerSafelist: false,
    ...gatewayOptions,
    port: 0,
    auth: TEST_AUTH,
    supergraphSdl: await composeSupergraph(),
    subgraphUrls: Object.fromEntries(Object.values(started).map((s) => [s.name, s.url])),
  });
  return {
    gatewayUrl: gateway.url,
    subgraphs: started,
    gateway,
    async stop() {
      await gateway.stop();
      for (const s of Object.values(started)) await s.stop();
    },
  };
}

export interface GraphQLResponse<T = Record<string, unknown>> {
  data?: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: { code?: string; [key: string]: unknown } }[];
}

/** Posts one GraphQL operation. */
export async function gql<T = any>(url: string, query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}): Promise<GraphQLResponse<T>> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as GraphQLResponse<T>;
}
export * from './processes';
