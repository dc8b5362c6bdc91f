import { setting, type Env } from './config';
import 'reflect-metadata';
import { DataSource, MigrationExecutor, type DataSourceOptions, type Logger as OrmLogger } from 'typeorm';
import { Client } from 'pg';
import { prepareValue } from 'pg/lib/utils';
import { from as copyFrom } from 'pg-copy-streams';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { APP_ROLE } from './rls';

/** Counts the SQL statements each subgraph sends; the N+1 tests and the benchmark read it. */
export class SqlStatementCounter {
  private counts = new Map<string, number>();
  add(source: string): void {
    this.counts.set(source, (this.counts.get(source) ?? 0) + 1);
  }
  get(source?: string): number {
    if (source) return this.counts.get(source) ?? 0;
    let total = 0;
    for (const n of this.counts.values()) total += n;
    return total;
  }
  snapshot(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }
  reset(): void {
    this.counts.clear();
  }
}

export const sqlStatements = new SqlStatementCounter();

/** The platform's civil time zone: statistics periods, months and deadlines are China Standard Time. */
export const PLATFORM_TIME_ZONE = 'Asia/Shanghai';

class CountingLogger implements OrmLogger {
  constructor(private readonly source: string) {}
  logQuery(query: string): void {
    if (query === 'START TRANSACTION' || query === 'COMMIT' || query === 'ROLLBACK') return;
    sqlStatements.add(this.source);
  }
  logQueryError(): void {}
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(): void {}
  log(): void {}
}

/** Migrations as TypeORM takes them: classes (or glob paths) in a list or an object. */
export type MigrationList = NonNullable<DataSourceOptions['migrations']>;

export interface SubgraphDataSourceOptions {
  /** Subgraph name; also its PostgreSQL schema (namespace). */
  schema: string;
  url: string;

  migrations: MigrationList;
  poolSize?: number;
}

/**
 * The database time limits of the platform's own sessions (docs/operations.md):
 * - `connectMs`: how long getting a connection from the pool (or opening one) may take before the
 *   request fails with DATABASE_UNAVAILABLE (DATABASE_CONNECT_TIMEOUT_MS, 5 s);
 * - `statementMs`: PostgreSQL's `statement_timeout` for the application role's sessions
 *   (DATABASE_STATEMENT_TIMEOUT_MS, 30 s): a statement running longer is cancelled and its request rolled back;
 * - `idleInTransactionMs`: PostgreSQL's `idle_in_transaction_session_timeout` for them
 *   (DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS, 10 s): a transaction left open and idle that long is
 *   ended by the server (its session closed), so a leak costs seconds, never the pool.
 */
export function databaseTimeouts(env?: Env): { connectMs: number; statementMs: number; idleInTransactionMs: number } {
  return {
    // 0 keeps the default (a pool wait without end would hang requests).
    connectMs: setting('DATABASE_CONNECT_TIMEOUT_MS', env) || 5000,
    statementMs: setting('DATABASE_STATEMENT_TIMEOUT_MS', env),
    idleInTransactionMs: setting('DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS', env),
  };
}

export function createDataSource(options: SubgraphDataSourceOptions): DataSource {
  const timeouts = databaseTimeouts();
  // Every session counts days and months in China Standard Time, where the units are (date_trunc,
  // ::date of timestamps), whatever the server's own time zone. The application role's sessions also
  // get the statement and idle-in-transaction limits (migrations and bulk loads, as the owner, do not).
  const settings = [`-c TimeZone=${PLATFORM_TIME_ZONE}`];
  let user = '';
  try {
    user = decodeURIComponent(new URL(options.url).username);
  } catch {
    /* an unparsable URL fails at connect, with its own message */
  }
  const appRole = user === APP_ROLE;
  if (appRole) {
    settings.push(`-c statement_timeout=${timeouts.statementMs}`, `-c idle_in_transaction_session_timeout=${timeouts.idleInTransactionMs}`);
  }
  const dataSource = new DataSource({
    type: 'postgres',
    url: options.url,
    schema: options.schema,
    // No entities: TypeORM gives the pool, transactions and migrations; reads and writes are SQL (README, Architecture).
    entities: [],
    migrations: options.migrations,
    migrationsTableName: 'migrations',
    migrationsRun: false,
    synchronize: false,
    logging: ['query'],
    logger: new CountingLogger(options.schema),
    extra: { max: options.poolSize ?? 10, connectionTimeoutMillis: timeouts.connectMs, application_name: `cgp-${options.schema}`, options: settings.join(' ') },
  });
  sessionStatementTimeouts.set(dataSource, appRole ? timeouts.statementMs : 0);
  return dataSource;
}

/** The statement_timeout each data source's sessions start with (0: none), fixed when it is created. */
const sessionStatementTimeouts = new WeakMap<DataSource, number>();

/** The statement_timeout (ms) the sessions of `dataSource` run with; 0 when they have none. */
export function sessionStatementTimeoutMs(dataSource: DataSource): number {
  return sessionStatementTimeouts.get(dataSource) ?? 0;
}

/** A clear, single-line description of why the database cannot be reached (no stack, no password). */
export function describeConnectionError(url: string, error: unknown): string {
  let where = 'the configured server';
  try {
    const u = new URL(url);
    where = `${u.hostname}:${u.port || 5432}${u.pathname}`;
  } catch {
    /* keep the generic wording */
  }
  const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
  return `Cannot reach PostgreSQL at ${where} (${reason}). Check DATABASE_URL, or unset it to use the embedded database.`;
}

export class DatabaseUnreachableError extends Error {}

/** Initialises the data source, turning connection failures into DatabaseUnreachableError with a readable message. */
export async function connect(dataSource: DataSource, url: string): Promise<DataSource> {
  try {
    return await dataSource.initialize();
  } catch (error) {
    throw new DatabaseUnreachableError(describeConnectionError(url, error));
  }
}

/**
 * Marks ltree's ancestor operators (`<@`, `@>`) LEAKPROOF, as PostgreSQL's own comparison operators
 * are: they only compare two paths, never raise an error or have a side effect. Without it, row-level
 * security keeps the planner from using a query's own `x.path <@ u.path` as an index condition (a
 * non-leakproof qual may not run before the policy's), so a per-unit aggregate over the caller's
 * whole scope scans every row of the scope once per unit: at city scale the district dashboard's
 * statements went from tens of milliseconds to seconds (see bench/RESULTS.md). Setting LEAKPROOF
 * needs a superuser; without one the migration goes on and PostgreSQL logs a notice (a DBA may run
 * the two ALTER FUNCTION statements once).
 */
export const LTREE_LEAKPROOF = `DO $$
BEGIN
  IF NOT (SELECT bool_and(proleakproof) FROM pg_proc WHERE oid IN ('ltree_isparent(ltree, ltree)'::regprocedure, 'ltree_risparent(ltree, ltree)'::regprocedure)) THEN
    ALTER FUNCTION ltree_isparent(ltree, ltree) LEAKPROOF;
    ALTER FUNCTION ltree_risparent(ltree, ltree) LEAKPROOF;
  END IF;
EXCEPTION WHEN OTHERS THEN
  RAISE NOTICE 'ltree <@ and @> stay non-leakproof (%): row-level security will keep per-unit path conditions out of index scans', SQLERRM;
END $$`;

/**
 * The PostgreSQL advisory lock every migration run holds (one key for the whole platform, per
 * database): two processes migrating at once — a migration Job retried while its first pod still
 * runs, several replicas started with `migrate`, two subgraphs racing on `CREATE EXTENSION` or the
 * shared application role — run one after the other instead of failing or applying twice.
 */
export const MIGRATION_LOCK_KEY = 'cgp:migrations';

/**
 * Creates the subgraph's schema and the ltree extension, then applies pending migrations, under the
 * migration advisory lock: a second run waits for the first, then finds nothing pending.
 */
export async function migrate(dataSource: DataSource): Promise<string[]> {
  const schema = (dataSource.options as { schema?: string }).schema;
  // One connection for the session-level lock and the migrations themselves (each in its own
  // transaction): the lock is held across them, and a pool of one connection cannot deadlock.
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock(hashtext($1))', [MIGRATION_LOCK_KEY]);
    try {
      await runner.query('CREATE EXTENSION IF NOT EXISTS ltree');
      await runner.query(LTREE_LEAKPROOF);
      if (schema) await runner.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
      const executor = new MigrationExecutor(dataSource, runner);
      executor.transaction = 'each';
      const applied = await executor.executePendingMigrations();
      return applied.map((m) => m.name);
    } finally {
      // A broken connection has lost the lock already; the first error is the one worth reporting.
      await runner.query('SELECT pg_advisory_unlock(hashtext($1))', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    }
  } finally {
    await runner.release();
  }
}

/**
 * A connection of its own, outside the data source's pool but with its URL and session settings
 * (time zone, and the application role's time limits): for a background worker's LISTEN and its
 * session-level advisory locks, which must outlive any one transaction (and end with the connection).
 */
export async function dedicatedClient(dataSource: DataSource, purpose: string): Promise<Client> {
  const options = dataSource.options as { url?: string; extra?: { options?: string; application_name?: string; connectionTimeoutMillis?: number } };
  const client = new Client({
    connectionString: options.url,
    options: options.extra?.options,
    application_name: `${options.extra?.application_name ?? 'cgp'}-${purpose}`,
    connectionTimeoutMillis: options.extra?.connectionTimeoutMillis ?? 5000,
  });
  await client.connect();
  return client;
}

/** The SQLSTATE of a database error, whether TypeORM wrapped it (its `driverError`) or pg threw it itself. */
export function sqlStateOf(error: unknown): string | undefined {
  const e = error as { driverError?: { code?: unknown }; code?: unknown } | null;
  const code = e?.driverError?.code ?? e?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Checks a database URL answers, with a short timeout. */
export async function ping(url: string, timeoutMs = 3000): Promise<void> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Something that runs SQL: a DataSource, an EntityManager or a QueryRunner. */
export interface Queryable {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

/** The columns of `insertRows` for rows whose property names are the table's column names (taken from a sample row). */
export function columnsOf<T extends object>(sample: T): Record<string, (row: T) => unknown> {
  return Object.fromEntries(Object.keys(sample).map((k) => [k, (r: T) => r[k as keyof T]]));
}

/** Rows for a bulk load: an array, or any (async) iterable, so a huge table can be streamed. */
export type RowSource<T> = readonly T[] | Iterable<T> | AsyncIterable<T>;

/**
 * Bulk load of rows into `table`. When the pg client behind `db` is reachable (a pg Client, or a
 * TypeORM QueryRunner / the EntityManager of `dataSource.transaction`, whose runner holds the
 * transaction's connection) the rows go through `COPY … FROM STDIN` on that connection, so inside
 * the same transaction; otherwise (a DataSource, a `{ query }` wrapper such as a request context)
 * through multi-row INSERT statements (at most `batchSize` rows, and PostgreSQL's 65,535
 * parameters, per statement). Either way nothing is inserted row by row. Values are serialised as
 * node-postgres serialises query parameters (Dates, booleans, arrays, JSON), so both paths store the same.
 */
export async function insertRows<T>(
  db: Queryable,
  table: string,
  columns: Record<string, (row: T) => unknown>,
  rows: RowSource<T>,
  batchSize = 1000,
): Promise<void> {
  if (Array.isArray(rows) && rows.length === 0) return;
  const client = pgClientOf(db);
  const copy = client ? await copyMode(client, table) : 'insert';
  if (client && copy !== 'insert') {
    if (copy === 'unforce') await client.query(`ALTER TABLE ${table} NO FORCE ROW LEVEL SECURITY`);
    await copyRows(client, table, columns, rows);
    if (copy === 'unforce') await client.query(`ALTER TABLE ${table} FORCE ROW LEVEL SECURITY`);
    return;
  }
  const names = Object.keys(columns);
  const getters = Object.values(columns);
  const perStatement = Math.max(1, Math.min(batchSize, Math.floor(65535 / names.length)));
  const flush = async (chunk: T[]) => {
    const params: unknown[] = [];
    const tuples = chunk.map(
      (row) =>
        `(${getters
          .map((get) => {
            params.push(get(row));
            return `$${params.length}`;
          })
          .join(', ')})`,
    );
    await db.query(`INSERT INTO ${table} (${names.map((n) => `"${n}"`).join(', ')}) VALUES ${tuples.join(', ')}`, params);
  };
  if (Array.isArray(rows)) {
    const list = rows as readonly T[];
    for (let start = 0; start < list.length; start += perStatement) await flush(list.slice(start, start + perStatement));
    return;
  }
  let chunk: T[] = [];
  for await (const row of rows as AsyncIterable<T>) {
    chunk.push(row);
    if (chunk.length >= perStatement) {
      await flush(chunk);
      chunk = [];
    }
  }
  if (chunk.length) await flush(chunk);
}

/** The node-postgres client behind a Queryable, if there is one (a pg Client, a TypeORM QueryRunner or a transaction's EntityManager). */
export function pgClientOf(db: unknown): Client | undefined {
  if (isPgClient(db)) return db;
  const runner = (db as { queryRunner?: unknown } | null)?.queryRunner ?? db;
  const connection = (runner as { databaseConnection?: unknown } | null)?.databaseConnection;
  return isPgClient(connection) ? connection : undefined;
}
/** Duck-typed, so a client of another copy of the pg module (TypeORM's) is recognised too. */
function isPgClient(x: unknown): x is Client {
  const c = x as { query?: unknown; connection?: unknown; escapeIdentifier?: unknown } | null;
  return !!c && typeof c.query === 'function' && typeof c.escapeIdentifier === 'function' && typeof c.connection === 'object' && c.connection !== null;
}

/**
 * Whether COPY FROM may write the table on this connection. PostgreSQL refuses COPY FROM into a
 * table whose row-level security applies to the session (every platform table forces it, even on
 * its owner). A superuser bypasses it: 'copy'. The table's owner (the migrating role, which loads
 * the demo data) is subject only because of FORCE: 'unforce' lifts FORCE for the COPY and puts it
 * back, inside the caller's transaction, so no other session ever sees the table without it.
 * Anyone else: 'insert', the multi-row INSERT that the policies check.
 */
async function copyMode(client: Client, table: string): Promise<'copy' | 'unforce' | 'insert'> {
  const { rows } = await client.query<{ active: boolean; forced: boolean; owner: boolean }>(
    `SELECT row_security_active(c.oid) AS active, c.relforcerowsecurity AS forced, pg_has_role(c.relowner, 'USAGE') AS owner
       FROM pg_class c WHERE c.oid = $1::regclass`,
    [table],
  );
  const [t] = rows;
  if (!t.active) return 'copy';
  return t.forced && t.owner ? 'unforce' : 'insert';
}

/** COPY's text format: backslash, tab, newline and carriage return escaped; NULL is \N. */
function copyText(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  const text = typeof value === 'string' ? value : typeof value === 'number' ? String(value) : prepareValue(value);
  if (text === null || text === undefined) return '\\N';
  const s = typeof text === 'string' ? text : String(text);
  return /[\\\t\n\r]/.test(s) ? s.replace(/[\\\t\n\r]/g, (c) => COPY_ESCAPES[c]) : s;
}
const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** Streams rows through `COPY table (columns) FROM STDIN` (text format) on the client, in chunks of about 64 kB. */
async function copyRows<T>(client: Client, table: string, columns: Record<string, (row: T) => unknown>, rows: RowSource<T>): Promise<void> {
  const names = Object.keys(columns);
  const getters = Object.values(columns);
  async function* lines(): AsyncGenerator<string> {
    let buffer = '';
    for await (const row of rows as AsyncIterable<T>) {
      let line = '';
      for (let i = 0; i < getters.length; i++) line += (i ? '\t' : '') + copyText(getters[i](row));
      buffer += `${line}\n`;
      if (buffer.length >= 65536) {
        yield buffer;
        buffer = '';
      }
    }
    if (buffer) yield buffer;
  }
  const stream = client.query(copyFrom(`COPY ${table} (${names.map((n) => `"${n}"`).join(', ')}) FROM STDIN`));
  await pipeline(Readable.from(lines()), stream);
}

const UUID_PATTERN = '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';

/**
 * SQL: the uuid `column` is one of the strings of the text-array parameter `param` (e.g. `$1`).
 * Unlike `column::text = ANY($1)`, the column's index stays usable; strings that are not UUIDs match
 * nothing instead of failing the cast, so an unknown or malformed id still reads as "no such row".
 */
export function uuidIn(column: string, param: string): string {
  return `${column} = ANY (ARRAY(SELECT k::uuid FROM unnest(${param}::text[]) AS k WHERE k ~* '${UUID_PATTERN}'))`;
}

/** SQL: the uuid `column` equals the text parameter `param` (see uuidIn). */
export function uuidIs(column: string, param: string): string {
  return uuidIn(column, `ARRAY[${param}::text]`);
}
