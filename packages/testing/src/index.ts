import { createHash, randomBytes } from 'node:crypto';
import { Client } from 'pg';
import {
  environmentWith,
  migrateAll,
  setting,
  signToken,
  startSubgraph,
  TOPOLOGIES,
  type Claims,
  type InProcessSubgraph,
  type Topology,
  type StartedSubgraph,
  type StartSubgraphOptions,
  type SubgraphDefinition,
} from '@cgp/core';
import { seedAll, type DemoDataset } from '@cgp/demo-data';
import { SUBGRAPHS } from '@cgp/all-subgraphs';
import { DEFAULT_RATE_LIMITS, readManifest, startGateway, type GatewayOptions, type RunningGateway } from '@cgp/gateway';

/** The HS256 secret the in-process test platform verifies tokens with. */
import { TEST_SECRET } from './test-secret';

export { TEST_SECRET };
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
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  return databaseUrl(name);
}

function databaseUrl(name: string): string {
  const url = new URL(testServerAdminUrl());
  url.pathname = `/${name}`;
  return url.toString();
}

async function adminQuery(sql: string): Promise<void> {
  const client = new Client({ connectionString: testServerAdminUrl() });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Environment pointing every subgraph at one database URL. */
export function envFor(databaseUrl: string): NodeJS.ProcessEnv {
  return environmentWith({ DATABASE_URL: databaseUrl });
}

/**
 * A fresh database of the test file's own with every subgraph's migrations applied and, optionally,
 * demo data loaded.
 *
 * Migrating and loading run once per test run for each distinct set of options (the dataset's
 * content included): the first test file that asks builds a template database, and every file
 * that asks the same gets its own copy of it (`CREATE DATABASE … TEMPLATE`), which PostgreSQL makes
 * by copying files — the same tables, rows, grants and policies as migrating and loading again.
 */
export async function preparedDatabase(options: { scale?: number; dataset?: DemoDataset; seed?: boolean } = {}): Promise<string> {
  const scale = options.scale ?? 0.1;
  const seed = options.seed !== false;
  const key = JSON.stringify({ scale, seed, dataset: options.dataset ?? null });
  const template = await templateDatabase(key, async (url) => {
    const env = envFor(url);
    await migrateAll(SUBGRAPHS, env);
    if (seed) await seedAll(SUBGRAPHS, { scale, dataset: options.dataset, env });
  });
  const name = `t_${randomBytes(6).toString('hex')}`;
  await adminQuery(`CREATE DATABASE ${name} TEMPLATE ${template}`);
  return databaseUrl(name);
}

/**
 * The template database for `key`, built by `build` on an empty database the first time any test
 * file of this run asks for it. Test files run in several jest workers (processes): an advisory lock
 * on the server makes one build while the others wait, and a template is built under another name
 * and renamed when complete, so a failed build never leaves a half-made template behind. The name
 * carries the run's id (set by the jest global setup), so a server that outlives the run
 * (TEST_DATABASE_URL) never hands a later run a template made by older migrations.
 */
async function templateDatabase(key: string, build: (url: string) => Promise<void>): Promise<string> {
  const run = (setting('CGP_TEST_RUN_ID') ?? `p${process.pid}`).toLowerCase().replace(/[^a-z0-9]/g, '');
  const name = `tpl_${run}_${createHash('sha256').update(key).digest('hex').slice(0, 16)}`;
  const client = new Client({ connectionString: testServerAdminUrl() });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [name]);
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount === 0) {
      const building = `${name}_b`;
      await client.query(`DROP DATABASE IF EXISTS ${building}`);
      await client.query(`CREATE DATABASE ${building}`);
      try {
        await build(databaseUrl(building));
      } catch (error) {
        await client.query(`DROP DATABASE IF EXISTS ${building} WITH (FORCE)`);
        throw error;
      }
      await client.query(`ALTER DATABASE ${building} RENAME TO ${name}`);
    }
    return name;
  } finally {
    await client.end(); // ends the session, which releases its advisory lock
  }
}

/**
 * Gateway limits for tests that walk the whole demo hierarchy in one request (100 items per level):
 * the static cost bound of such a walk is far above the default limit, on purpose.
 */
export const NO_COST_LIMIT: Pick<GatewayOptions, 'limits'> = { limits: { maxCost: Number.MAX_SAFE_INTEGER } };

export interface InProcessPlatform {
  /** How the gateway reaches the subgraphs: over HTTP (`separate`) or by calling them in-process (`single`). */
  topology: Topology;
  gatewayUrl: string;
  subgraphs: Record<string, StartedSubgraph>;
  gateway: RunningGateway;
  stop(): Promise<void>;
}

/** Gateway options a test may set on the platform it starts. */
export type PlatformGatewayOptions = Pick<
  GatewayOptions,
  'limits' | 'rateLimits' | 'partnerSafelist' | 'partnerApi' | 'authThrottle' | 'dashboardSignIn' | 'responseCacheSeconds'
> & {
  /** How the gateway and every subgraph verify tokens; default TEST_AUTH (HS256 with TEST_SECRET). */
  auth?: GatewayOptions['auth'];
  /**
   * Whether staff tokens need a current appointment (AUTH_APPOINTMENTS). Default `off`: the tests name
   * their callers by claims (tier, unit, roles) of made-up people, not by appointed ones; the appointment
   * guard itself is tested with `required`, as production runs it (test/appointments.test.ts).
   */
  appointments?: 'required' | 'off';
  /**
   * `separate` (default): the gateway reaches each subgraph over HTTP, as the processes of the Kubernetes
   * topology do; `single`: it calls each subgraph's request handler in-process with the caller it
   * verified, as `pnpm start` runs (TOPOLOGY=single). Either way every subgraph listens on its own port.
   */
  topology?: Topology;
};

/** Both topologies, for `describe.each(TOPOLOGY_CASES)('… (%s topology)', (topology) => …)`. */
export const TOPOLOGY_CASES: readonly Topology[] = TOPOLOGIES;

/**
 * Starts all seven subgraphs and the gateway in this process, each on its own HTTP port; the gateway
 * reaches the subgraphs over HTTP, or in-process with `topology: 'single'`.
 *
 * Every production guard is on, as production runs (whatever the environment says): the partner
 * safelist, the per-caller rate limits at their production defaults, the operation limits and the
 * failed sign-in throttle. A test that turns one off or lifts it passes the option and says why there.
 * To reach a subgraph's own defences with an operation the gateway would refuse, send it to the
 * subgraph directly (`platform.subgraphs[name].url`), as an attacker inside the network would.
 */
export async function startPlatform(
  databaseUrl: string,
  defs: readonly SubgraphDefinition[] = SUBGRAPHS,
  gatewayOptions: PlatformGatewayOptions = {},
  /** Options every subgraph starts with (e.g. `statisticsCacheSeconds`). */
  subgraphOptions: Pick<StartSubgraphOptions, 'statisticsCacheSeconds' | 'responseCacheSeconds'> = {},
): Promise<InProcessPlatform> {
  const started: Record<string, StartedSubgraph> = {};
  // Filled once every subgraph listens: the subgraphs reach each other through it.
  const peers: Record<string, string> = {};
  // The subgraphs get the gateway's limits, as in production (a test that lifts a limit lifts it on both routes).
  const auth = gatewayOptions.auth ?? TEST_AUTH;
  // In the single topology the subgraphs also call each other in-process (filled once all have started).
  const { topology = 'separate', ...options } = gatewayOptions;
  const inProcessPeers: Record<string, InProcessSubgraph> = {};
  const appointments = { required: gatewayOptions.appointments === 'required' };
  for (const def of defs)
    started[def.name] = await startSubgraph(def, {
      ...subgraphOptions,
      limits: gatewayOptions.limits,
      port: 0,
      databaseUrl,
      auth,
      peers,
      appointments,
      inProcessPeers: topology === 'single' ? inProcessPeers : undefined,
    });
  for (const s of Object.values(started)) peers[s.name] = s.url;
  for (const s of Object.values(started)) inProcessPeers[s.name] = s.inProcess;
  const gateway = await startGateway({
    rateLimits: DEFAULT_RATE_LIMITS,
    partnerSafelist: true,
    ...options,
    port: 0,
    auth,
    appointments,
    dashboardSignIn: gatewayOptions.dashboardSignIn ?? null,
    // The committed gateway/supergraph.graphql (the gateway's default), as production runs it;
    // gateway/test/supergraph.test.ts proves it is what the subgraphs compose to today.
    subgraphUrls: Object.fromEntries(Object.values(started).map((s) => [s.name, s.url])),
    inProcessSubgraphs: topology === 'single' ? Object.fromEntries(Object.values(started).map((s) => [s.name, s.inProcess])) : undefined,
  });
  return {
    topology,
    gatewayUrl: gateway.url,
    subgraphs: started,
    gateway,
    /** Stops the gateway and every subgraph (each one even when another fails to stop; the first failure is thrown after). */
    async stop() {
      const results = await Promise.allSettled([gateway.stop()]);
      for (const s of Object.values(started)) results.push(...(await Promise.allSettled([s.stop()])));
      const failed = results.find((r) => r.status === 'rejected');
      if (failed) throw failed.reason;
    },
  };
}

export interface GraphQLResponse<T = Record<string, unknown>> {
  data?: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: { code?: string; [key: string]: unknown } }[];
}

/** Posts one GraphQL operation. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read answers loosely; a test names T where it wants the type checked
export async function gql<T = any>(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<GraphQLResponse<T>> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as GraphQLResponse<T>;
}
/**
 * Asks a subgraph directly for fields of one unit entity, as the gateway resolves it: `_entities` with a
 * `{ __typename, code }` representation (every route is guarded, so the subgraph's own rules answer).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- as gql
export function entityFields<T = any>(subgraphUrl: string, typename: string, code: string, selection: string, headers: Record<string, string> = {}) {
  return gql<T>(
    subgraphUrl,
    `query ($r: [_Any!]!) { _entities(representations: $r) { ... on ${typename} { ${selection} } } }`,
    { r: [{ __typename: typename, code }] },
    headers,
  );
}

export * from './processes';
export * from './oidc';

/**
 * Runs an operation of the partner safelist (gateway/safelist/partner-operations.graphql) by name, sent as
 * a partner client must send it: by its SHA-256 hash in Apollo's persisted-query format, no query text.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- as gql
export async function gqlSafelisted<T = any>(
  url: string,
  name: string,
  variables?: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<GraphQLResponse<T>> {
  const operation = readManifest().operations.find((o) => o.name === name);
  if (!operation) throw new Error(`${name} is not in the partner safelist (gateway/safelist/partner-operations.graphql)`);
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ variables, extensions: { persistedQuery: { version: 1, sha256Hash: operation.id } } }),
  });
  return (await res.json()) as GraphQLResponse<T>;
}

/** A count read straight from a test database as its owner (`SELECT count(*)::int AS n …`), to prove what a refusal did not write. */
export async function countRows(databaseUrl: string, sql: string, params: unknown[] = []): Promise<number> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query<{ n: number }>(sql, params)).rows[0].n;
  } finally {
    await client.end();
  }
}
