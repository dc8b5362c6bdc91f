import type { DataSource, QueryRunner } from 'typeorm';
import { GraphQLError } from 'graphql';
import { dedicatedClient, ErrorCode, insertRows, isUniqueViolation, pathOfCode, type BackgroundWorker, type Logger } from '@cgp/core';
import { IMPORT_WORKER_SETTING } from './migrations/1732000012000-resident-import-jobs';
import { ImportJobState } from './import-job.type';
import { alreadyRegistered, badRowsSummary, parseCsv, RowChecker, type ParsedResident, type RowError } from './resident-import';

/** The channel a submitted job is announced on (delivered when the submitting request commits). */
export const IMPORT_JOB_CHANNEL = 'cgp_resident_import';
/** Rows checked between two progress reports (and two looks at the cancel flag). */
const CHECK_CHUNK = 2_000;
/** Residents written per statement, between two progress reports. */
const WRITE_BATCH = 5_000;
/** A job interrupted this many times (the subgraph stopped while it ran) fails instead of running again. */
export const IMPORT_MAX_ATTEMPTS = 3;

type WorkerClient = Awaited<ReturnType<typeof dedicatedClient>>;

class Cancelled extends Error {}
class Interrupted extends Error {}

/** What a job reports as it goes (the CLI draws its progress bar from it). */
export interface ImportProgress {
  state: ImportJobState;
  rowsTotal: number;
  rowsChecked: number;
  rowsWritten: number;
}

interface ClaimedJob {
  id: string;
  communityCode: string;
  path: string;
  submittedBy: string;
  csv: string;
}

/**
 * Runs the residents-import jobs of every community, one at a time, in the community subgraph's
 * process (several replicas share the queue). A job is claimed with a session-level advisory lock on
 * the worker's own connection: the lock lives exactly as long as the worker, so a job found RUNNING
 * whose lock is free was left by a worker that stopped or died; as its rows were written in one
 * transaction that never committed, nothing of it is in the database, and it runs again from the
 * start (at most IMPORT_MAX_ATTEMPTS times in all).
 *
 * A job: every row is checked in chunks, the ID-card numbers of each chunk in one statement;
 * progress and the cancel flag go through the worker's connection in their own short statements,
 * so callers see them while the job runs. A file with any bad row fails with every bad row and
 * writes nothing. A clean file is written in one transaction of the submitter's scope (row-level
 * security applies as to the submitter's requests): COPY into a temporary table (no row-level
 * security on it), the households in one statement, the residents in batches of 5,000 rows; the
 * job's SUCCEEDED is written in that same transaction, so the residents and the result commit together.
 */
export class ResidentImportWorker implements BackgroundWorker {
  private client?: WorkerClient;
  private connecting?: Promise<WorkerClient>;
  private stopping = false;
  private running?: Promise<void>;
  private again = false;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly db: DataSource,
    private readonly logger: Logger,
    private readonly options: { pollMs?: number } = {},
  ) {}

  /** Starts listening for submitted jobs and runs any waiting or interrupted ones. */
  start(): this {
    // Submitted jobs are announced (LISTEN); the look every 10 s finds the jobs of workers that died elsewhere, and any announcement missed.
    this.timer = setInterval(() => this.tick(), this.options.pollMs ?? 10_000);
    this.timer.unref();
    this.tick();
    return this;
  }

  /** Stops taking jobs; a job in progress stops at its next batch and is rolled back (the next start runs it again). */
  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    await this.running;
    const client = this.client ?? (await this.connecting?.catch(() => undefined));
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private tick(): void {
    if (this.stopping) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain()
      .catch((err: unknown) => this.logger.warn({ err }, 'residents import worker: cannot reach the job queue now; trying again shortly'))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.tick();
        }
      });
  }

  /** The worker's own connection (LISTEN, advisory locks, progress), opened on first use and again after a failure. */
  private session(): Promise<WorkerClient> {
    if (this.client) return Promise.resolve(this.client);
    this.connecting ??= (async () => {
      const client = await dedicatedClient(this.db, 'import-worker');
      client.on('error', (err) => {
        this.logger.warn({ err }, 'residents import worker: its connection failed');
        if (this.client === client) this.client = undefined;
      });
      client.on('notification', () => this.tick());
      await client.query(`SELECT set_config('cgp.worker', $1, false)`, [IMPORT_WORKER_SETTING]);
      await client.query(`LISTEN ${IMPORT_JOB_CHANNEL}`);
      this.client = client;
      return client;
    })().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async drain(): Promise<void> {
    while (!this.stopping) {
      const job = await this.claim();
      if (!job) return;
      await this.run(job);
    }
  }

  /** Claims the oldest job nobody runs (queued, or interrupted), or a given one; null when there is none. */
  async claim(onlyId?: string): Promise<ClaimedJob | null> {
    const client = await this.session();
    const { rows } = await client.query<{ id: string }>(
      `SELECT id::text AS id FROM community.resident_import_job WHERE state IN ('QUEUED', 'RUNNING') ${onlyId ? 'AND id = $1::uuid' : ''} ORDER BY submitted_at LIMIT 20`,
      onlyId ? [onlyId] : [],
    );
    for (const { id } of rows) {
      const {
        rows: [lock],
      } = await client.query<{ ok: boolean }>(`SELECT pg_try_advisory_lock(hashtext($1)) AS ok`, [lockKey(id)]);
      if (!lock.ok) continue;
      // Under the lock: it may have ended (or been cancelled) since it was listed.
      const {
        rows: [job],
      } = await client.query<ClaimedJob & { state: string; attempts: number; cancelRequested: boolean }>(
        `SELECT id::text AS id, community_code AS "communityCode", path::text AS path, submitted_by AS "submittedBy", csv, state, attempts, cancel_requested AS "cancelRequested"
           FROM community.resident_import_job WHERE id = $1::uuid`,
        [id],
      );
      if (job && (job.state === 'QUEUED' || job.state === 'RUNNING')) {
        if (job.cancelRequested) {
          await this.end(client, id, ImportJobState.CANCELLED, 'Cancelled before it was written: nothing was imported');
        } else if (job.attempts >= IMPORT_MAX_ATTEMPTS) {
          await this.end(
            client,
            id,
            ImportJobState.FAILED,
            `The import was interrupted ${job.attempts} times (the subgraph stopped while it ran); nothing was imported: submit the file again`,
          );
        } else {
          await client.query(
            `UPDATE community.resident_import_job SET state = 'RUNNING', attempts = attempts + 1, started_at = now(), rows_checked = 0, rows_written = 0, updated_at = now() WHERE id = $1::uuid`,
            [id],
          );
          if (job.attempts > 0)
            this.logger.warn(
              { job: id, attempt: job.attempts + 1 },
              'residents import: running an interrupted job again from the start (nothing of it was written)',
            );
          return job;
        }
      }
      await unlock(client, id);
    }
    return null;
  }

  /** Runs a claimed job to its end (or, when the worker stops, leaves it to the next start), then lets it go. */
  async run(job: ClaimedJob, onProgress?: (p: ImportProgress) => void): Promise<void> {
    const client = await this.session();
    const started = Date.now();
    const progress: ImportProgress = { state: ImportJobState.RUNNING, rowsTotal: 0, rowsChecked: 0, rowsWritten: 0 };
    const report = async () => {
      const {
        rows: [r],
      } = await client.query<{ cancel: boolean }>(
        `UPDATE community.resident_import_job SET rows_total = $2, rows_checked = $3, rows_written = $4, updated_at = now() WHERE id = $1::uuid RETURNING cancel_requested AS cancel`,
        [job.id, progress.rowsTotal, progress.rowsChecked, progress.rowsWritten],
      );
      onProgress?.(progress);
      if (r?.cancel) throw new Cancelled();
      if (this.stopping) throw new Interrupted();
    };
    try {
      const records = parseCsv(job.csv ?? '');
      const checker = new RowChecker(job.communityCode, records);
      progress.rowsTotal = checker.rowCount;
      await report();
      const rows: ParsedResident[] = [];
      const errors: RowError[] = [];
      for (let i = 1; i < records.length; i += CHECK_CHUNK) {
        const chunk = records.slice(i, i + CHECK_CHUNK);
        const checked = checker.check(chunk);
        errors.push(
          ...checked.errors,
          ...(await alreadyRegistered({ query: async (sql, params) => (await client.query(sql, params)).rows as unknown[] }, checked.rows)),
        );
        rows.push(...checked.rows);
        progress.rowsChecked += chunk.length;
        await report();
        // Other requests of the subgraph get their turn between chunks.
        await new Promise((resolve) => setImmediate(resolve));
      }
      if (errors.length) {
        errors.sort((a, b) => a.line - b.line);
        await this.end(client, job.id, ImportJobState.FAILED, badRowsSummary(errors), errors);
        this.logger.info({ job: job.id, community: job.communityCode, badRows: errors.length }, 'residents import failed: bad rows, nothing written');
        return;
      }
      const counts = await this.write(job, rows, progress, report);
      this.logger.info({ job: job.id, community: job.communityCode, rows: rows.length, ...counts, ms: Date.now() - started }, 'residents import succeeded');
    } catch (error) {
      if (error instanceof Interrupted) {
        this.logger.info({ job: job.id }, 'residents import interrupted by the subgraph stopping: rolled back, it runs again at the next start');
      } else if (error instanceof Cancelled) {
        await this.end(client, job.id, ImportJobState.CANCELLED, 'Cancelled while it ran: nothing was imported');
      } else if (error instanceof GraphQLError && error.extensions.code === ErrorCode.BAD_USER_INPUT) {
        await this.end(client, job.id, ImportJobState.FAILED, `Nothing was imported: ${error.message}`);
      } else if (isUniqueViolation(error)) {
        await this.end(
          client,
          job.id,
          ImportJobState.FAILED,
          'Nothing was imported: some of these ID-card numbers were registered by another import at the same time: submit the file again to see which',
        );
      } else {
        this.logger.error({ err: error, job: job.id }, 'residents import failed');
        await this.end(
          client,
          job.id,
          ImportJobState.FAILED,
          'Nothing was imported: the import failed on the server; submit the file again, and tell the operators if it fails again',
        ).catch(() => undefined);
      }
    } finally {
      await unlock(client, job.id).catch(() => undefined);
      onProgress?.(progress);
    }
  }

  /** Writes a checked file in one transaction of the submitter's scope, with the job's SUCCEEDED. */
  private async write(job: ClaimedJob, rows: ParsedResident[], progress: ImportProgress, report: () => Promise<void>) {
    const runner: QueryRunner = this.db.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      await runner.query(`SELECT set_config('cgp.scope', $1, true), set_config('cgp.principal', $2, true)`, [
        job.path,
        `COMMUNITY:${job.communityCode}:${job.submittedBy}`,
      ]);
      await runner.query(
        `CREATE TEMP TABLE resident_import_staging (
           n int PRIMARY KEY, building_code varchar(18) NOT NULL, room varchar(20) NOT NULL, name varchar(50) NOT NULL, id_card_number char(18) NOT NULL,
           phone varchar(20), birth_date date NOT NULL, gender varchar(6) NOT NULL, key_categories text[] NOT NULL, path ltree NOT NULL
         ) ON COMMIT DROP`,
      );
      let n = 0;
      await insertRows<ParsedResident>(
        runner,
        'pg_temp.resident_import_staging',
        {
          n: () => ++n,
          building_code: (r) => r.buildingCode,
          room: (r) => r.room,
          name: (r) => r.name,
          id_card_number: (r) => r.idCardNumber,
          phone: (r) => r.phone,
          birth_date: (r) => r.birthDate,
          gender: (r) => r.gender,
          key_categories: (r) => r.keyCategories,
          path: (r) => pathOfCode(r.buildingCode),
        },
        rows,
      );
      const [households] = (await runner.query(
        `WITH wanted AS (SELECT DISTINCT building_code, room, path FROM pg_temp.resident_import_staging),
              created AS (
                INSERT INTO community.household (building_code, community_code, room, path)
                SELECT building_code, left(building_code, 12), room, path FROM wanted
                ON CONFLICT (building_code, room) DO NOTHING RETURNING 1)
         SELECT (SELECT count(*) FROM wanted)::int AS wanted, (SELECT count(*) FROM created)::int AS created`,
      )) as { wanted: number; created: number }[];
      for (let start = 0; start < rows.length; start += WRITE_BATCH) {
        await runner.query(
          `INSERT INTO community.resident (household_id, community_code, name, id_card_number, phone, birth_date, gender, key_categories, path)
           SELECT h.id, h.community_code, s.name, s.id_card_number, s.phone, s.birth_date, s.gender, s.key_categories, s.path
             FROM pg_temp.resident_import_staging s JOIN community.household h ON h.building_code = s.building_code AND h.room = s.room
            WHERE s.n > $1 AND s.n <= $2`,
          [start, start + WRITE_BATCH],
        );
        progress.rowsWritten = Math.min(rows.length, start + WRITE_BATCH);
        await report();
      }
      const counts = { residentsCreated: rows.length, householdsCreated: households.created, householdsReused: households.wanted - households.created };
      const done = (await runner.query(
        `UPDATE community.resident_import_job
            SET state = 'SUCCEEDED', rows_written = $2, residents_created = $2, households_created = $3, households_reused = $4, csv = NULL, finished_at = now(), updated_at = now()
          WHERE id = $1::uuid AND NOT cancel_requested RETURNING 1`,
        [job.id, counts.residentsCreated, counts.householdsCreated, counts.householdsReused],
      )) as unknown[];
      if (!done.length) throw new Cancelled();
      await runner.commitTransaction();
      progress.state = ImportJobState.SUCCEEDED;
      return counts;
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw error;
    } finally {
      await runner.release();
    }
  }

  /** Ends a job that wrote nothing (failed or cancelled): its state, why, its bad rows; the file is dropped. */
  private async end(client: WorkerClient, id: string, state: ImportJobState, message: string, badRows: RowError[] = []): Promise<void> {
    await client.query(
      `UPDATE community.resident_import_job SET state = $2, message = $3, bad_rows = $4::jsonb, csv = NULL, finished_at = now(), updated_at = now() WHERE id = $1::uuid`,
      [id, state, message.slice(0, 1000), JSON.stringify(badRows)],
    );
  }
}

function lockKey(id: string): string {
  return `cgp:resident-import:${id}`;
}

async function unlock(client: WorkerClient, id: string): Promise<void> {
  await client.query(`SELECT pg_advisory_unlock(hashtext($1))`, [lockKey(id)]);
}
