import { APP_ROLE } from './rls';
import { DEFAULT_PORTS, setting, type Env, type SubgraphName } from './config';

export { DEFAULT_PORTS, SUBGRAPH_NAMES, type SubgraphName } from './config';

/** The port a service listens on: `<NAME>_PORT`, else PORT, else its default. */
export function servicePort(name: SubgraphName | 'gateway', env?: Env): number {
  return setting(`${name.toUpperCase() as Uppercase<typeof name>}_PORT`, env) ?? setting('PORT', env) ?? DEFAULT_PORTS[name];
}

/**
 * The port of a service's operations server (/metrics), never its public one: `<NAME>_METRICS_PORT`,
 * else METRICS_PORT, else the service's port + 100 (gateway 4100, district 4101 … pairing 4107). A
 * service on port 0 (any free port, as in tests) gets any free metrics port too.
 */
export function metricsPort(name: SubgraphName | 'gateway', env?: Env, publicPort = servicePort(name, env)): number {
  const own = setting(`${name.toUpperCase() as Uppercase<typeof name>}_METRICS_PORT`, env) ?? setting('METRICS_PORT', env);
  if (own !== undefined) return own;
  return publicPort === 0 ? 0 : publicPort + 100;
}

/** The interface the operations server listens on: METRICS_HOST, else 127.0.0.1 (this machine only). */
export function metricsHost(env?: Env): string {
  return setting('METRICS_HOST', env);
}

/** A subgraph's database URL: `<NAME>_DATABASE_URL` overrides the shared DATABASE_URL, so a subgraph can move to its own server. */
export function subgraphDatabaseUrl(name: SubgraphName, env?: Env): string {
  const url = setting(`${name.toUpperCase() as Uppercase<typeof name>}_DATABASE_URL`, env) ?? setting('DATABASE_URL', env);
  if (!url) {
    throw new Error(`No database configured for the ${name} subgraph: set DATABASE_URL (or ${name.toUpperCase()}_DATABASE_URL)`);
  }
  return url;
}

/**
 * The URL the running application uses: the same server and database as `ownerUrl`, but as the
 * application role cgp_app (password DATABASE_APP_PASSWORD, default cgp_app), which owns no
 * table and is subject to row-level security. Migrations and demo loading use the owner URL.
 */
export function appDatabaseUrl(ownerUrl: string, env?: Env): string {
  const url = new URL(ownerUrl);
  url.username = APP_ROLE;
  url.password = appDatabasePassword(env);
  return url.toString();
}

export function appDatabasePassword(env?: Env): string {
  return setting('DATABASE_APP_PASSWORD', env);
}
