import type { Queryable } from '@cgp/core';

/** A summary row that differs from its recomputation from the case rows. */
export interface SummaryDifference {
  table: 'grid.case_state_count' | 'grid.case_day_count';
  key: string;
  stored: string | null;
  truth: string | null;
}

/** Rebuilds the case summaries from the case rows (bulk loads, once at the end; `figures:verify --repair`). */
export async function rebuildCaseSummaries(db: Queryable): Promise<void> {
  await db.query(`SELECT grid.rebuild_case_summaries()`);
}

/** Every case summary row that differs from a recomputation from the case rows (zero counts count as absent). */
export async function caseSummaryDifferences(db: Queryable): Promise<SummaryDifference[]> {
  const states = await db.query(
    `SELECT 'grid.case_state_count' AS "table", coalesce(s.path, t.path)::text || ' ' || coalesce(s.state, t.state) AS key,
            s.n::text AS stored, t.n::text AS truth
       FROM (SELECT * FROM grid.case_state_count WHERE n <> 0) s
       FULL JOIN grid.case_state_count_truth t ON t.path = s.path AND t.state = s.state
      WHERE s.n IS DISTINCT FROM t.n ORDER BY 2`,
  );
  const days = await db.query(
    `SELECT 'grid.case_day_count' AS "table", coalesce(s.path, t.path)::text || ' ' || coalesce(s.day, t.day)::text AS key,
            CASE WHEN s.path IS NOT NULL THEN concat_ws('/', s.reported, s.closed, s.closed_in_time) END AS stored,
            CASE WHEN t.path IS NOT NULL THEN concat_ws('/', t.reported, t.closed, t.closed_in_time) END AS truth
       FROM (SELECT * FROM grid.case_day_count WHERE (reported, closed, closed_in_time) <> (0, 0, 0)) s
       FULL JOIN grid.case_day_count_truth t ON t.path = s.path AND t.day = s.day
      WHERE (s.reported, s.closed, s.closed_in_time) IS DISTINCT FROM (t.reported, t.closed, t.closed_in_time) ORDER BY 2`,
  );
  return [...rowsOf<SummaryDifference>(states), ...rowsOf<SummaryDifference>(days)];
}

function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}
