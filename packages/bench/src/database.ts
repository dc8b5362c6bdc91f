import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { childPids } from './platform';
import { Client } from 'pg';
import { environmentWith, migrateAll, type Env } from '@cgp/core';
import { BENCH_AS_OF } from './operations';
import { caseVolumeFromEnvironment, CITY_CASE_VOLUME, DEMO_DATA_VERSION, seedAll, type CaseVolume } from '@cgp/demo-data';
import { SUBGRAPHS } from '@cgp/all-subgraphs';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '@cgp/launcher';

export interface BenchDatabase {
  /** Owner URL of the benchmark database (migrations, demo data, the SQL floor). */
  url: string;
  /** Seconds spent loading the demo data in this run (0 when it was already loaded). */
  loadSeconds: number;
  /** Whether this run loaded the data (false: reused from the data directory). */
  loaded: boolean;
  /** Whether pg_stat_statements is available to count SQL statements. */
  statements: boolean;
  /** Rows per table after loading. */
  rows: Record<string, number>;
  /** The embedded server's processes, the postmaster first, then its backends now (for their CPU time); none for an external server. */
  serverPids(): number[];
  stop(): Promise<void>;
}

export interface BenchDatabaseOptions {
  scale: number;
  caseVolume?: Partial<CaseVolume>;
  /** Embedded PostgreSQL data directory (persistent: the data loads once). */
  dataDir: string;
  port: number;
  /** An existing server instead of the embedded one. */
  databaseUrl?: string;
}

/**
 * The benchmark's database: an embedded PostgreSQL in its own persistent data directory, with
 * pg_stat_statements preloaded so SQL statements can be counted across the subgraph processes;
 * migrations and the demo data at the chosen scale (loaded once, timed), then VACUUM ANALYZE.
 */
export async function prepareBenchDatabase(options: BenchDatabaseOptions): Promise<BenchDatabase> {
  let embedded: EmbeddedDatabase | undefined;
  let url = options.databaseUrl;
  if (!url) {
    embedded = await startEmbeddedDatabase({
      dataDir: options.dataDir,
      port: options.port,
      persistent: true,
      flags: [
        '-c',
        'shared_preload_libraries=pg_stat_statements',
        '-c',
        'pg_stat_statements.track=all',
        '-c',
        'pg_stat_statements.max=10000',
        '-c',
        'work_mem=16MB',
        '-c',
        'maintenance_work_mem=256MB',
        '-c',
        'max_wal_size=4GB',
      ],
    });
    url = await embedded.createDatabase('cgp');
  }
  const env = environmentWith({ DATABASE_URL: url });
  await migrateAll(SUBGRAPHS, env);
  const started = process.hrtime.bigint();
  const seeded = await seedAll(SUBGRAPHS, { scale: options.scale, caseVolume: options.caseVolume, env, asOf: BENCH_AS_OF });
  const loadSeconds = seeded.length ? Number(process.hrtime.bigint() - started) / 1e9 : 0;
  const client = new Client({ connectionString: url });
  await client.connect();
  let statements = false;
  const rows: Record<string, number> = {};
  try {
    if (seeded.length) await client.query('VACUUM ANALYZE');
    // The data stands on a fixed day long past (BENCH_AS_OF): the deadline job would now act on every case
    // still open that day (reminders, notices, moves to the community's queue) and change the data under the
    // measurement. Its steps are taken as done, on every run (data directories are reused).
    await client.query(
      `UPDATE grid.grid_case SET reminder_done_at = coalesce(reminder_done_at, now()), overdue_done_at = coalesce(overdue_done_at, now()),
              escalation_done_at = coalesce(escalation_done_at, now())
        WHERE reminder_done_at IS NULL OR overdue_done_at IS NULL OR escalation_done_at IS NULL`,
    );
    try {
      await client.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
      await client.query('SELECT pg_stat_statements_reset()');
      statements = true;
    } catch {
      statements = false;
    }
    const tables = await client.query<{ name: string; n: string }>(
      `SELECT schemaname || '.' || relname AS name, n_live_tup::text AS n FROM pg_stat_user_tables
        WHERE schemaname = ANY ($1) ORDER BY n_live_tup DESC`,
      [SUBGRAPHS.map((d) => d.name)],
    );
    for (const t of tables.rows) rows[t.name] = Number(t.n);
  } finally {
    await client.end();
  }
  const serverPids = () => {
    if (!embedded) return [];
    try {
      const postmaster = Number(readFileSync(join(options.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
      return [postmaster, ...childPids(postmaster)];
    } catch {
      return [];
    }
  };
  return {
    url,
    loadSeconds,
    loaded: seeded.length > 0,
    statements,
    rows,
    serverPids,
    stop: async () => {
      await embedded?.stop();
    },
  };
}

/**
 * Where a scale's data directory lives: .data/bench-v<generator version>-<scale>[-cases-<per grid per
 * year>x<years>] at the repository root, so data of another generator version or volume is never reused.
 */
export function benchDataDir(root: string, scale: number, caseVolume?: Partial<CaseVolume>): string {
  const cases = caseVolume ? `-cases-${caseVolume.perGridPerYear ?? 40}x${caseVolume.years ?? 1}` : '';
  return join(root, '.data', `bench-v${DEMO_DATA_VERSION}-${scale}${cases}`);
}

/**
 * The benchmark's grid-case volume: DEMO_CASES_PER_GRID_YEAR / DEMO_CASE_YEARS when set, else the
 * city target's density (247 per grid per year over five years) at every scale, so scale 10 holds
 * the city's two million cases and the smaller scales of the growth run a district with the same
 * five years of history; the smoke run keeps the generator's default (40 × 1 year) to stay quick.
 */
export function benchCaseVolume(env: Env | undefined, smoke = false): Partial<CaseVolume> | undefined {
  const fromEnv = caseVolumeFromEnvironment(env);
  if (fromEnv) return { ...(smoke ? {} : CITY_CASE_VOLUME), ...Object.fromEntries(Object.entries(fromEnv).filter(([, v]) => v !== undefined)) };
  return smoke ? undefined : { ...CITY_CASE_VOLUME };
}
