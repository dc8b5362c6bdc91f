import { Pool } from 'pg';
import PgBoss from 'pg-boss';
import type { DataSource, MigrationInterface, QueryRunner } from 'typeorm';
import type { RequestContext } from './context';
import type { MigrationClass } from './feature';
import type { Logger } from './logger';
import { isDatabaseUnavailable } from './database-availability';
import { APP_ROLE, runAll } from './rls';
import type { BackgroundWorker } from './service';

/*
 * The platform's durable job queue: pg-boss on PostgreSQL, in one `pgboss` schema per database. Every
 * subgraph that runs jobs declares its queues with `jobQueueMigrationClass` (a migration of its own
 * feature): the first such migration in a database creates the schema (as the database owner, like every
 * migration), later ones only add their queues, so the subgraphs may share a database or each have its
 * own. The application role gets rows, never DDL: queues are created by migrations only.
 *
 * Each subgraph process runs the workers of its own queues (`JobWorker`, a BackgroundWorker: started
 * when the server listens, stopped before the pool closes). A job is a row: sent in the request's own
 * transaction (`sendJob(ctx, …)`), it exists exactly when the change that asked for it committed, and
 * it survives any restart; a job whose process died while running it expires and runs again.
 */

/** The schema pg-boss keeps its tables in (one per database, shared by the subgraphs using it). */
export const JOBS_SCHEMA = 'pgboss';

/** The cgp.worker setting of a subgraph's job workers' transactions; policies that let them at every unit's rows test `JOB_WORKER`. */
export const JOB_WORKER_SETTING = 'jobs';
/** SQL predicate: the transaction is a job worker's (see `asJobWorker`). */
export const JOB_WORKER = `(coalesce(current_setting('cgp.worker', true), '') = '${JOB_WORKER_SETTING}')`;

/** Runs `fn` in one transaction of the data source as a job worker (cgp.worker = 'jobs'; no caller scope). */
export async function asJobWorker<T>(db: DataSource, fn: (m: JobTransaction) => Promise<T>): Promise<T> {
  const client = await workerPool(db).connect();
  // A connection the server drops while this transaction holds it (between statements) is reported as an
  // event on the client; its next statement fails with it, and the client is thrown away on release.
  let broken: Error | undefined;
  const onError = (err: Error) => (broken = err);
  client.on('error', onError);
  try {
    await client.query('BEGIN');
    await client.query(`SELECT set_config('cgp.worker', $1, true)`, [JOB_WORKER_SETTING]);
    const result = await fn({ query: async <R>(sql: string, params: unknown[] = []) => (await client.query(sql, params)).rows as R[] });
    await client.query('COMMIT');
    return result;
  } catch (error) {
    if (isDatabaseUnavailable(error)) broken ??= error as Error;
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.off('error', onError);
    client.release(broken);
  }
}

/**
 * The job workers' own small pool per data source (same database, role and session settings): their
 * statements stay out of the requests' pool and out of its statement counts (the N+1 tests measure
 * requests). Opened by the first JobWorker to start, closed when the last one stops.
 */
const workerPools = new WeakMap<DataSource, { pool: Pool; users: number }>();

function workerPool(db: DataSource): Pool {
  let entry = workerPools.get(db);
  if (!entry) {
    const options = db.options as { url?: string; extra?: { options?: string; application_name?: string; connectionTimeoutMillis?: number } };
    const pool = new Pool({
      connectionString: options.url,
      options: options.extra?.options,
      application_name: `${options.extra?.application_name ?? 'cgp'}-jobs`,
      connectionTimeoutMillis: options.extra?.connectionTimeoutMillis ?? 5000,
      max: 2,
    });
    pool.on('error', () => undefined); // an idle client's broken connection is replaced on next use
    entry = { pool, users: 0 };
    workerPools.set(db, entry);
  }
  return entry.pool;
}

function acquireWorkerPool(db: DataSource): void {
  workerPool(db);
  workerPools.get(db)!.users++;
}

async function releaseWorkerPool(db: DataSource): Promise<void> {
  const entry = workerPools.get(db);
  if (!entry || --entry.users > 0) return;
  workerPools.delete(db);
  await entry.pool.end().catch(() => undefined);
}

/** A job worker's transaction. */
export interface JobTransaction {
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<R[]>;
}

/** A queue a subgraph declares: its name (`<subgraph>.<what>`) and pg-boss policy. */
export interface QueueSpec {
  name: string;
  /** `standard` (default), or `short`: at most one job waiting (a self-renewing tick). */
  policy?: 'standard' | 'short';
}

/** pg-boss's own construction SQL, without its BEGIN/COMMIT (the migration runs in its own transaction). */
function constructionSql(): string {
  return PgBoss.getConstructionPlans(JOBS_SCHEMA)
    .replace(/^\s*BEGIN;/, '')
    .replace(/COMMIT;\s*$/, '');
}

/**
 * A migration class that makes sure the database has the pg-boss schema and creates the given queues
 * (each subgraph that runs jobs has one, named like any migration; never rename it).
 */
export function jobQueueMigrationClass(className: string, queues: readonly QueueSpec[]): MigrationClass {
  const migration = class implements MigrationInterface {
    name = className;

    async up(q: QueryRunner): Promise<void> {
      const [{ installed }] = (await q.query(`SELECT to_regclass('${JOBS_SCHEMA}.version') IS NOT NULL AS installed`)) as { installed: boolean }[];
      if (!installed) await q.query(constructionSql());
      for (const queue of queues) {
        await q.query(`SELECT ${JOBS_SCHEMA}.create_queue($1, $2::json)`, [queue.name, JSON.stringify({ policy: queue.policy ?? 'standard' })]);
      }
      await runAll(q, [
        `GRANT USAGE ON SCHEMA ${JOBS_SCHEMA} TO ${APP_ROLE}`,
        `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${JOBS_SCHEMA} TO ${APP_ROLE}`,
        `GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA ${JOBS_SCHEMA} TO ${APP_ROLE}`,
      ]);
    }

    async down(q: QueryRunner): Promise<void> {
      for (const queue of queues) await q.query(`SELECT ${JOBS_SCHEMA}.delete_queue($1)`, [queue.name]);
    }
  };
  Object.defineProperty(migration, 'name', { value: className });
  return migration;
}

/** What a job's handler gets: its data and how many times it was tried before. */
export interface JobRun<T> {
  id: string;
  data: T;
  /** 0 on the first try. */
  retryCount: number;
  retryLimit: number;
}

/** Send options the platform uses (pg-boss's, by name). */
export interface JobSendOptions {
  startAfter?: Date | number;
  retryLimit?: number;
  /** Seconds before the first retry; doubled (with jitter) at each retry when `retryBackoff`. */
  retryDelay?: number;
  retryBackoff?: boolean;
  singletonKey?: string;
  expireInSeconds?: number;
}

/** Sends a job inside the request's transaction: it exists if and only if the request commits (null: a `short` queue had one waiting). */
export async function sendJob(ctx: Pick<RequestContext, 'query'>, queue: string, data: object, options: JobSendOptions = {}): Promise<string | null> {
  const [row] = await ctx.query<{ id: string }>(INSERT_JOB, insertParams(queue, data, options));
  return row?.id ?? null;
}

/** pg-boss's own insert of one job (what its `send` runs), so the queue's defaults and policy apply. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const INSERT_JOB = (require('pg-boss/src/plans') as { insertJob(schema: string): string }).insertJob(JOBS_SCHEMA);

function insertParams(queue: string, data: object, o: JobSendOptions): unknown[] {
  // $5: an ISO time ending in Z, or seconds from now.
  const startAfter = o.startAfter instanceof Date ? o.startAfter.toISOString() : o.startAfter !== undefined ? String(o.startAfter) : null;
  return [
    null, // $1 id
    queue, // $2
    JSON.stringify(data), // $3
    null, // $4 priority
    startAfter, // $5
    o.singletonKey ?? null, // $6
    null, // $7 singleton seconds
    0, // $8 singleton offset
    null, // $9 dead letter
    o.expireInSeconds ?? null, // $10
    null, // $11 expire default
    null, // $12 keep until
    null, // $13 keep until default
    o.retryLimit ?? null, // $14
    null, // $15 retry limit default
    o.retryDelay ?? null, // $16
    null, // $17 retry delay default
    o.retryBackoff ?? null, // $18
    null, // $19 retry backoff default
  ];
}

/** One queue's handler in a JobWorker. */
export interface JobHandler<T = Record<string, unknown>> {
  queue: string;
  /** How often the worker looks for new jobs, in seconds (pg-boss's polling; at least 0.5). */
  pollingIntervalSeconds?: number;
  handle(job: JobRun<T>): Promise<void>;
}

/**
 * Runs a subgraph's job handlers on pg-boss (its own small pool of the application role). `start`
 * returns at once (the queue connects in the background, logging and retrying while the database is
 * away); `stop` lets the jobs in hand finish, then closes the pool.
 */
export class JobWorker implements BackgroundWorker {
  private boss?: PgBoss;
  /** pg-boss's own connections (its `db`), closed after it stops. */
  private bossPool?: Pool;
  private starting?: Promise<void>;
  private stopped = false;
  /** Ends a wait between two start attempts (stop). */
  private wake?: () => void;

  constructor(
    private readonly db: DataSource,
    private readonly logger: Logger,
    private readonly handlers: readonly JobHandler<never>[],
    private readonly onStarted?: (boss: PgBoss) => Promise<void>,
  ) {}

  start(): this {
    acquireWorkerPool(this.db);
    this.starting = this.startUntilStopped();
    return this;
  }

  /** Starts pg-boss, trying again every few seconds while the database cannot be reached (its jobs wait there meanwhile). */
  private async startUntilStopped(): Promise<void> {
    for (let wait = 1000; !this.stopped; wait = Math.min(wait * 2, 30_000)) {
      try {
        await this.run();
        return;
      } catch (err) {
        this.logger.warn({ err }, 'job worker: could not start; trying again shortly (its jobs wait in the database)');
        await this.boss?.stop({ graceful: false, wait: false, close: true }).catch(() => undefined);
        this.boss = undefined;
        await this.bossPool?.end().catch(() => undefined);
        this.bossPool = undefined;
        await new Promise<void>((r) => {
          const timer = setTimeout(r, wait);
          this.wake = () => {
            clearTimeout(timer);
            r();
          };
        });
      }
    }
  }

  /** Resolves once the handlers are registered (tests wait for it). */
  async ready(): Promise<void> {
    await this.starting;
  }

  private async run(): Promise<void> {
    const url = (this.db.options as { url?: string }).url;
    const pool = new Pool({ connectionString: url, max: 2, application_name: 'cgp-jobs', connectionTimeoutMillis: 5000 });
    pool.on('error', () => undefined); // an idle connection the server dropped is replaced on next use
    this.bossPool = pool;
    const boss = new PgBoss({
      db: bookkeepingTolerantDb(pool, this.logger),
      schema: JOBS_SCHEMA,
      // The schema and queues come from migrations (the owner's); the application role only uses them.
      migrate: false,
      // No cron schedules: every job is sent for its moment.
      schedule: false,
      supervise: true,
    });
    boss.on('error', (err: unknown) => this.logger.warn({ err }, 'job queue error'));
    this.boss = boss;
    await boss.start();
    if (this.stopped) return;
    for (const handler of this.handlers) {
      await boss.work(
        handler.queue,
        { includeMetadata: true, batchSize: 1, pollingIntervalSeconds: handler.pollingIntervalSeconds ?? 2 },
        async (jobs: PgBoss.JobWithMetadata<never>[]) => {
          for (const job of jobs) {
            try {
              await handler.handle({ id: job.id, data: job.data, retryCount: job.retryCount, retryLimit: job.retryLimit });
            } catch (err) {
              // pg-boss tries it again after the job's retry delay (or fails it for good past its retry limit).
              this.logger.warn({ err, queue: handler.queue, jobId: job.id, retryCount: job.retryCount }, 'job failed');
              throw err;
            }
          }
        },
      );
    }
    await this.onStarted?.(boss);
  }

  /** Sends a job outside any request (a worker's own follow-up). */
  async send(queue: string, data: object, options: JobSendOptions = {}): Promise<string | null> {
    if (!this.boss) throw new Error('the job worker has not started');
    return this.boss.send(queue, data, options as PgBoss.SendOptions);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.starting;
    // graceful: the jobs in hand finish (a job cut off would only run again after it expires).
    await this.boss?.stop({ graceful: true, wait: true, timeout: 10_000, close: true }).catch(() => undefined);
    await this.bossPool?.end().catch(() => undefined);
    await releaseWorkerPool(this.db);
  }
}

/**
 * pg-boss's database, on a pool of ours. pg-boss marks a job done or failed after its handler without
 * awaiting it (manager.js `onFetch`): with the database down at that moment the rejection would be
 * unhandled, which ends a Node process. Those two statements, when the database cannot be reached, are
 * logged and answered "nothing changed": the job stays active until it expires and then runs again, as a
 * job of a process that died does. Every other statement fails as usual (pg-boss's loops catch them).
 */
function bookkeepingTolerantDb(pool: Pool, logger: Logger): { executeSql(text: string, values?: unknown[]): Promise<{ rows: unknown[] }> } {
  const BOOKKEEPING = /SET completed_on = now\(\)|WITH deleted_jobs AS/;
  return {
    async executeSql(text, values) {
      try {
        return await pool.query(text, values);
      } catch (err) {
        if (!BOOKKEEPING.test(text) || !isDatabaseUnavailable(err)) throw err;
        logger.warn({ err }, 'job queue: the database could not be reached to mark a job done or failed; it runs again when it expires');
        return { rows: [{ count: '0' }] };
      }
    },
  };
}
