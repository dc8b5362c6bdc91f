import { APP_ROLE } from './rls';
import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65535);

/** Names of the seven subgraphs; each has its own port and may have its own database URL. */
export const SUBGRAPH_NAMES = ['district', 'street', 'community', 'grid', 'building', 'party', 'pairing'] as const;
export type SubgraphName = (typeof SUBGRAPH_NAMES)[number];

export const DEFAULT_PORTS: Record<SubgraphName | 'gateway', number> = {
  gateway: 4000,
  district: 4001,
  street: 4002,
  community: 4003,
  grid: 4004,
  building: 4005,
  party: 4006,
  pairing: 4007,
};

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_URL: z.string().url().optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  /** How long a subgraph keeps computed dashboard figures (0: not at all); writes through the subgraph evict them sooner. */
  STATISTICS_CACHE_SECONDS: z.coerce.number().min(0).max(3600).default(15),
});

export type Environment = z.infer<typeof schema>;

/** Reads and checks the shared environment; throws one readable message naming every bad variable. */
export function readEnvironment(env: NodeJS.ProcessEnv = process.env): Environment {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid environment: ${problems}`);
  }
  return parsed.data;
}

/** The port a service listens on: `<NAME>_PORT`, else PORT, else its default. */
export function servicePort(name: SubgraphName | 'gateway', env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[`${name.toUpperCase()}_PORT`] ?? env.PORT;
  return raw === undefined ? DEFAULT_PORTS[name] : port.parse(raw);
}

/**
 * The port of a service's operations server (/metrics), never its public one: `<NAME>_METRICS_PORT`,
 * else METRICS_PORT, else the service's port + 100 (gateway 4100, district 4101 … pairing 4107). A
 * service on port 0 (any free port, as in tests) gets any free metrics port too.
 */
export function metricsPort(name: SubgraphName | 'gateway', env: NodeJS.ProcessEnv = process.env, publicPort = servicePort(name, env)): number {
  const raw = env[`${name.toUpperCase()}_METRICS_PORT`] ?? env.METRICS_PORT;
  if (raw !== undefined && raw !== '') return port.parse(raw);
  return publicPort === 0 ? 0 : publicPort + 100;
}

/** The interface the operations server listens on: METRICS_HOST, else 127.0.0.1 (this machine only). */
export function metricsHost(env: NodeJS.ProcessEnv = process.env): string {
  return env.METRICS_HOST || '127.0.0.1';
}

/** A subgraph's database URL: `<NAME>_DATABASE_URL` overrides the shared DATABASE_URL, so a subgraph can move to its own server. */
export function subgraphDatabaseUrl(name: SubgraphName, env: NodeJS.ProcessEnv = process.env): string {
  const url = env[`${name.toUpperCase()}_DATABASE_URL`] ?? env.DATABASE_URL;
  if (!url) {
    throw new Error(`No database configured for the ${name} subgraph: set DATABASE_URL (or ${name.toUpperCase()}_DATABASE_URL)`);
  }
  return z.string().url().parse(url);
}

/**
 * The URL the running application uses: the same server and database as `ownerUrl`, but as the
 * application role cgp_app (password DATABASE_APP_PASSWORD, default cgp_app), which owns no
 * table and is subject to row-level security. Migrations and demo loading use the owner URL.
 */
export function appDatabaseUrl(ownerUrl: string, env: NodeJS.ProcessEnv = process.env): string {
  const url = new URL(ownerUrl);
  url.username = APP_ROLE;
  url.password = appDatabasePassword(env);
  return url.toString();
}

export function appDatabasePassword(env: NodeJS.ProcessEnv = process.env): string {
  return env.DATABASE_APP_PASSWORD ?? 'cgp_app';
}
