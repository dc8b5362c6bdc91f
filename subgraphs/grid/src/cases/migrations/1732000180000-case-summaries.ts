import type { MigrationInterface, QueryRunner } from 'typeorm';
import { IN_SCOPE, PLATFORM_TIME_ZONE, runAll, scopePolicy } from '@cgp/core';

/** The day a timestamp counts on in the per-day summaries: the platform's (China) date, like the dashboard's periods. */
export const CASE_DAY = (ts: string) => `((${ts}) AT TIME ZONE '${PLATFORM_TIME_ZONE}')::date`;

/**
 * Case summaries kept by the writes themselves (issue 16): current counts per case path and state, and per-day
 * counts (reported, closed, closed in time) per case path. Row triggers on grid.grid_case keep them in the
 * same transaction as every write (GraphQL, intake, jobs, imports); bulk loads switch them off with
 * `SET LOCAL cgp.case_summaries = 'off'` and call grid.rebuild_case_summaries() once at the end.
 */
export class CaseSummaries1732000180000 implements MigrationInterface {
  name = 'CaseSummaries1732000180000';

  async up(q: QueryRunner): Promise<void> {
    await runAll(q, [
      `CREATE TABLE grid.case_state_count (
         path ltree NOT NULL,
         state varchar(16) NOT NULL,
         n int NOT NULL,
         PRIMARY KEY (path, state)
       )`,
      `CREATE INDEX case_state_count_path ON grid.case_state_count USING gist (path)`,
      `CREATE TABLE grid.case_day_count (
         path ltree NOT NULL,
         day date NOT NULL,
         reported int NOT NULL DEFAULT 0,
         closed int NOT NULL DEFAULT 0,
         closed_in_time int NOT NULL DEFAULT 0,
         PRIMARY KEY (path, day)
       )`,
      `CREATE INDEX case_day_count_path ON grid.case_day_count USING gist (path)`,
      `CREATE INDEX case_day_count_day ON grid.case_day_count (day, path)`,
      // A write's change to the summaries: the old row's contribution taken away, the new row's added, netted,
      // and applied in one order (state rows by path and state, then day rows by path and day) so that concurrent
      // writes never deadlock. Runs as the table owner: the summaries take every caller's writes (staff, intake,
      // the job worker), whatever policy let the case row through.
      `CREATE FUNCTION grid.case_summary_trigger() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
       DECLARE
         o_in int := CASE WHEN TG_OP <> 'INSERT' AND OLD.state = 'CLOSED' AND OLD.closed_at IS NOT NULL THEN 1 ELSE 0 END;
         n_in int := CASE WHEN TG_OP <> 'DELETE' AND NEW.state = 'CLOSED' AND NEW.closed_at IS NOT NULL THEN 1 ELSE 0 END;
       BEGIN
         IF coalesce(current_setting('cgp.case_summaries', true), '') = 'off' THEN RETURN NULL; END IF;
         INSERT INTO grid.case_state_count AS s (path, state, n)
           SELECT v.path, v.state, sum(v.d)::int FROM (VALUES
             (CASE WHEN TG_OP <> 'INSERT' THEN OLD.path END, CASE WHEN TG_OP <> 'INSERT' THEN OLD.state END, -1),
             (CASE WHEN TG_OP <> 'DELETE' THEN NEW.path END, CASE WHEN TG_OP <> 'DELETE' THEN NEW.state END, 1)) v(path, state, d)
            WHERE v.path IS NOT NULL GROUP BY v.path, v.state HAVING sum(v.d) <> 0 ORDER BY v.path, v.state
           ON CONFLICT (path, state) DO UPDATE SET n = s.n + excluded.n;
         INSERT INTO grid.case_day_count AS s (path, day, reported, closed, closed_in_time)
           SELECT v.path, v.day, sum(v.r)::int, sum(v.c)::int, sum(v.t)::int FROM (VALUES
             (CASE WHEN TG_OP <> 'INSERT' THEN OLD.path END, CASE WHEN TG_OP <> 'INSERT' THEN ${CASE_DAY('OLD.reported_at')} END, -1, 0, 0),
             (CASE WHEN o_in = 1 THEN OLD.path END, CASE WHEN o_in = 1 THEN ${CASE_DAY('OLD.closed_at')} END, 0, -1, CASE WHEN o_in = 1 AND OLD.closed_at <= OLD.deadline THEN -1 ELSE 0 END),
             (CASE WHEN TG_OP <> 'DELETE' THEN NEW.path END, CASE WHEN TG_OP <> 'DELETE' THEN ${CASE_DAY('NEW.reported_at')} END, 1, 0, 0),
             (CASE WHEN n_in = 1 THEN NEW.path END, CASE WHEN n_in = 1 THEN ${CASE_DAY('NEW.closed_at')} END, 0, 1, CASE WHEN n_in = 1 AND NEW.closed_at <= NEW.deadline THEN 1 ELSE 0 END)
           ) v(path, day, r, c, t)
            WHERE v.path IS NOT NULL GROUP BY v.path, v.day HAVING (sum(v.r), sum(v.c), sum(v.t)) <> (0, 0, 0) ORDER BY v.path, v.day
           ON CONFLICT (path, day) DO UPDATE SET reported = s.reported + excluded.reported, closed = s.closed + excluded.closed,
             closed_in_time = s.closed_in_time + excluded.closed_in_time;
         RETURN NULL;
       END $$`,
      `CREATE TRIGGER case_summaries_insert_delete AFTER INSERT OR DELETE ON grid.grid_case
         FOR EACH ROW EXECUTE FUNCTION grid.case_summary_trigger()`,
      `CREATE TRIGGER case_summaries_update AFTER UPDATE OF state, path, reported_at, closed_at, deadline ON grid.grid_case
         FOR EACH ROW WHEN ((OLD.state, OLD.path, OLD.reported_at, OLD.closed_at, OLD.deadline) IS DISTINCT FROM (NEW.state, NEW.path, NEW.reported_at, NEW.closed_at, NEW.deadline))
         EXECUTE FUNCTION grid.case_summary_trigger()`,
      // The summaries recomputed from the rows (figures:verify compares; rebuild replaces).
      `CREATE VIEW grid.case_state_count_truth AS
         SELECT path, state, count(*)::int AS n FROM grid.grid_case GROUP BY path, state`,
      `CREATE VIEW grid.case_day_count_truth AS
         SELECT path, day, sum(reported)::int AS reported, sum(closed)::int AS closed, sum(closed_in_time)::int AS closed_in_time FROM (
           SELECT path, ${CASE_DAY('reported_at')} AS day, 1 AS reported, 0 AS closed, 0 AS closed_in_time FROM grid.grid_case
           UNION ALL
           SELECT path, ${CASE_DAY('closed_at')}, 0, 1, CASE WHEN closed_at <= deadline THEN 1 ELSE 0 END
             FROM grid.grid_case WHERE state = 'CLOSED' AND closed_at IS NOT NULL) x
         GROUP BY path, day`,
      `CREATE FUNCTION grid.rebuild_case_summaries() RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
       BEGIN
         LOCK TABLE grid.case_state_count, grid.case_day_count IN EXCLUSIVE MODE;
         DELETE FROM grid.case_state_count;
         DELETE FROM grid.case_day_count;
         INSERT INTO grid.case_state_count (path, state, n) SELECT path, state, n FROM grid.case_state_count_truth;
         INSERT INTO grid.case_day_count (path, day, reported, closed, closed_in_time)
           SELECT path, day, reported, closed, closed_in_time FROM grid.case_day_count_truth;
       END $$`,
      `REVOKE ALL ON FUNCTION grid.rebuild_case_summaries() FROM PUBLIC`,
      `REVOKE ALL ON grid.case_state_count_truth, grid.case_day_count_truth FROM cgp_app`,
      `REVOKE INSERT, UPDATE, DELETE ON grid.case_state_count, grid.case_day_count FROM cgp_app`,
      ...scopePolicy('grid.case_state_count', IN_SCOPE('path')),
      ...scopePolicy('grid.case_day_count', IN_SCOPE('path')),
      `SELECT grid.rebuild_case_summaries()`,
    ]);
  }

  async down(q: QueryRunner): Promise<void> {
    await runAll(q, [
      `DROP TRIGGER case_summaries_update ON grid.grid_case`,
      `DROP TRIGGER case_summaries_insert_delete ON grid.grid_case`,
      `DROP FUNCTION grid.rebuild_case_summaries()`,
      `DROP FUNCTION grid.case_summary_trigger()`,
      `DROP VIEW grid.case_day_count_truth`,
      `DROP VIEW grid.case_state_count_truth`,
      `DROP TABLE grid.case_day_count`,
      `DROP TABLE grid.case_state_count`,
    ]);
  }
}
