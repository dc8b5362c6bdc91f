import { Access, accessToCode, badInput, CallerKind, forbidden, pathOfCode, Role, uuidIs, type RequestContext } from '@cgp/core';
import { IMPORT_JOB_CHANNEL } from './import-job.worker';
import { JOB_COLUMNS, type ImportRowError, type ResidentImportJob } from './import-job.type';
import { assertFileSize, assertImporter, parseCsv, RowChecker } from './resident-import';

/** The scope a caller's question about jobs is answered in: the caller's subtree (staff only). */
function assertCommunityStaff(ctx: RequestContext, what: string): void {
  if (ctx.identity.kind !== CallerKind.COMMUNITY || !ctx.identity.roles.includes(Role.STAFF)) throw forbidden(`Only STAFF of the job's community ${what}`);
}

/** The request side of residents-import jobs: submit, read, list, cancel; always inside the caller's scope. */
export const ImportJobService = {
  /**
   * Queues a file for import and returns at once. The size, the header and the number of rows are
   * checked now (a file that cannot be imported at all is refused here, with BAD_USER_INPUT); every
   * row is checked by the job. The worker hears of the job when this request commits.
   */
  async submit(ctx: RequestContext, communityCode: string, csv: string): Promise<ResidentImportJob> {
    assertImporter(ctx, communityCode);
    const bytes = assertFileSize(csv);
    const checker = new RowChecker(communityCode, parseCsv(csv));
    const [job] = await ctx.query<ResidentImportJob>(
      `INSERT INTO community.resident_import_job (community_code, path, submitted_by, request_id, csv, file_bytes, rows_total)
       VALUES ($1, $2::ltree, $3, $4, $5, $6, $7) RETURNING ${JOB_COLUMNS}`,
      [communityCode, pathOfCode(communityCode), ctx.identity.sub, ctx.requestId, csv, bytes, checker.rowCount],
    );
    await ctx.query(`SELECT pg_notify($1, $2)`, [IMPORT_JOB_CHANNEL, job.id]);
    return job;
  },

  /** A job of the caller's subtree, or null (also for jobs outside it). */
  async job(ctx: RequestContext, id: string): Promise<ResidentImportJob | null> {
    const [job] = await ctx.query<ResidentImportJob>(
      `SELECT ${JOB_COLUMNS} FROM community.resident_import_job WHERE ${uuidIs('id', '$1')} AND path <@ $2::ltree`,
      [id, ctx.scope],
    );
    return job ?? null;
  },

  /** The latest jobs of a community of the caller's subtree, newest first. */
  async jobs(ctx: RequestContext, communityCode: string, first: number): Promise<ResidentImportJob[]> {
    if (accessToCode(ctx.identity, communityCode) !== Access.FULL) throw forbidden(`Community ${communityCode} is outside your unit`);
    if (first < 1 || first > 100) throw badInput('first must be between 1 and 100', 'first');
    return ctx.query<ResidentImportJob>(
      `SELECT ${JOB_COLUMNS} FROM community.resident_import_job WHERE community_code = $1 AND path <@ $2::ltree ORDER BY submitted_at DESC, id LIMIT $3`,
      [communityCode, ctx.scope, first],
    );
  },

  /** A job's bad rows by line, after `afterLine`, at most `first`. */
  async badRows(ctx: RequestContext, job: ResidentImportJob, first: number, afterLine: number): Promise<ImportRowError[]> {
    if (!job.badRowCount) return [];
    if (first < 1 || first > 50_000) throw badInput('first must be between 1 and 50000', 'first');
    return ctx.query<ImportRowError>(
      `SELECT (e->>'line')::int AS line, e->>'column' AS column, e->>'reason' AS reason
         FROM community.resident_import_job j, jsonb_array_elements(j.bad_rows) WITH ORDINALITY AS t(e, i)
        WHERE j.id = $1::uuid AND (e->>'line')::int > $2 ORDER BY i LIMIT $3`,
      [job.id, afterLine, first],
    );
  },

  /**
   * Cancels a job: a queued one at once, a running one at its next batch (its transaction is rolled
   * back: nothing is written). A job that has ended cannot be cancelled (BAD_USER_INPUT says how it ended).
   */
  async cancel(ctx: RequestContext, id: string): Promise<ResidentImportJob> {
    assertCommunityStaff(ctx, 'cancel its import jobs');
    const job = await this.job(ctx, id);
    if (!job) throw forbidden(`No import job with id ${id} in your community`);
    const [updated] = await ctx.query<ResidentImportJob>(
      `UPDATE community.resident_import_job
          SET cancel_requested = true, updated_at = now(),
              state = CASE WHEN state = 'QUEUED' THEN 'CANCELLED' ELSE state END,
              finished_at = CASE WHEN state = 'QUEUED' THEN now() END,
              csv = CASE WHEN state = 'QUEUED' THEN NULL ELSE csv END,
              message = CASE WHEN state = 'QUEUED' THEN $2 END
        WHERE id = $1::uuid AND state IN ('QUEUED', 'RUNNING') RETURNING ${JOB_COLUMNS}`,
      [job.id, `Cancelled by ${ctx.identity.sub} before it started: nothing was imported`],
    );
    if (!updated) {
      const now = (await this.job(ctx, id))!;
      throw badInput(`Import job ${id} has already ended (${now.state}): there is nothing to cancel`, 'id');
    }
    return updated;
  },
};
