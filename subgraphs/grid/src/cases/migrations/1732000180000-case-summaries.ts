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
         n int NOT NULL CHECK (n >= 0),
         PRIMARY KEY (path, state)
       )`,
      `CREATE INDEX case_state_count_path ON grid.case_state_count USING gist (path)`,
      `CREATE TABLE grid.case_day_count (
         path ltree NOT NULL,
         day date NOT NULL,
         reported int NOT NULL DEFAULT 0 CHECK (reported >= 0),
         closed int NOT NULL DEFAULT 0 CHECK (closed >= 0),
         closed_in_time int NOT NULL DEFAULT 0 CHECK (closed_in_time >= 0),
         PRIMARY KEY (path, day)
       )`,
      `CREATE INDEX case_day_count_path ON grid.case_day_count USING gist (path)`,
      `CREATE INDEX case_day_count_day ON grid.case_day_count (day, path)`,
      // One case's contribution, added (sign 1) or taken away (sign -1). Runs as the table owner: the summaries
      // take every caller's writes (staff, intake, the job worker), whatever policy let the case row through.
      `CREATE FUNCTION grid.case_summary_apply(p ltree, st varchar, p_reported timestamptz, p_closed timestamptz, p_deadline timestamptz, sign int)
         RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
       DECLARE
         in_time int := CASE WHEN p_closed <= p_deadline THEN sign ELSE 0 END;
       BEGIN
         -- Parameters are p_*: plpgsql refuses names that are also columns. Taking away updates the rows in place (an upsert would check n >= 0 on the proposed row first).
         IF sign < 0 THEN
           UPDATE grid.case_state_count SET n = n - 1 WHERE path = p AND state = st;
           UPDATE grid.case_day_count SET reported = reported - 1 WHERE path = p AND day = ${CASE_DAY('p_reported')};
           IF st = 'CLOSED' AND p_closed IS NOT NULL THEN
             UPDATE grid.case_day_count SET closed = closed - 1, closed_in_time = closed_in_time + in_time WHERE path = p AND day = ${CASE_DAY('p_closed')};
           END IF;
           RETURN;
         END IF;
         INSERT INTO grid.case_state_count AS s (path, state, n) VALUES (p, st, 1)
           ON CONFLICT (path, state) DO UPDATE SET n = s.n + 1;
         INSERT INTO grid.case_day_count AS d (path, day, reported) VALUES (p, ${CASE_DAY('p_reported')}, 1)
           ON CONFLICT (path, day) DO UPDATE SET reported = d.reported + 1;
         IF st = 'CLOSED' AND p_closed IS NOT NULL THEN
           INSERT INTO grid.case_day_count AS d (path, day, closed, closed_in_time) VALUES (p, ${CASE_DAY('p_closed')}, 1, in_time)
             ON CONFLICT (path, day) DO UPDATE SET closed = d.closed + 1, closed_in_time = d.closed_in_time + in_time;
         END IF;
       END $$`,
      `CREATE FUNCTION grid.case_summary_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF coalesce(current_setting('cgp.case_summaries', true), '') = 'off' THEN RETURN NULL; END IF;
         IF TG_OP IN ('UPDATE', 'DELETE') THEN
           PERFORM grid.case_summary_apply(OLD.path, OLD.state, OLD.reported_at, OLD.closed_at, OLD.deadline, -1);
         END IF;
         IF TG_OP IN ('INSERT', 'UPDATE') THEN
           PERFORM grid.case_summary_apply(NEW.path, NEW.state, NEW.reported_at, NEW.closed_at, NEW.deadline, 1);
         END IF;
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
      `REVOKE ALL ON FUNCTION grid.case_summary_apply(ltree, varchar, timestamptz, timestamptz, timestamptz, int) FROM PUBLIC`,
      `GRANT EXECUTE ON FUNCTION grid.case_summary_apply(ltree, varchar, timestamptz, timestamptz, timestamptz, int) TO cgp_app`,
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
      `DROP FUNCTION grid.case_summary_apply(ltree, varchar, timestamptz, timestamptz, timestamptz, int)`,
      `DROP VIEW grid.case_day_count_truth`,
      `DROP VIEW grid.case_state_count_truth`,
      `DROP TABLE grid.case_day_count`,
      `DROP TABLE grid.case_state_count`,
    ]);
  }
}
