/*
 * SQL for figures over units' whole subtrees, shared by the per-unit fields (`partyMembers`,
 * `serviceReportCounts`) and the dashboard statistics (`partyStatistics`, trend, ranking), so all count the
 * same way.
 *
 * The shape: a table is aggregated ONCE per distinct `path` inside the caller's scope ($3), then those few
 * rows are summed into every unit asked ($1 codes, $2 paths) with `x.path <@ u.path`. Probing the table
 * per unit instead would scan the whole scope once per unit: the row-level-security policy's predicate
 * comes first, so PostgreSQL cannot use a per-unit path as the index condition.
 */

/** The units asked: `u(code, path)` from $1 (codes) and $2 (their ltree paths). */
export const UNITS_CTE = `u AS (SELECT * FROM unnest($1::text[], $2::ltree[]) AS u(code, path))`;

/** A figure column and its SQL type once summed over paths. */
export type FigureColumn = readonly [name: string, type: 'int' | 'float8'];

/** Sums of per-path figures (a CTE or table aliased `x` with a `path` column) over the subtree of the unit `unit`. */
export function subtreeSums(cte: string, columns: readonly FigureColumn[], unit = 'u'): string {
  return `(SELECT ${columns.map(([c, t]) => `coalesce(sum(x."${c}"), 0)::${t} AS "${c}"`).join(', ')} FROM ${cte} x WHERE x.path <@ ${unit}.path)`;
}

/** One statement: per-path figures (`perPath`, selecting `path` and the columns) summed into every unit asked. */
export function perUnitSql(perPath: string, columns: readonly FigureColumn[]): string {
  return `WITH ${UNITS_CTE}, x AS MATERIALIZED (${perPath})
    SELECT u.code, s.* FROM u CROSS JOIN LATERAL ${subtreeSums('x', columns)} s`;
}

/** Party members by kind, per path, over `party.party_member` aliased `m`. */
export const MEMBER_FIGURES = `count(m.id)::int AS members,
  count(m.id) FILTER (WHERE m.kind = 'RESIDENT')::int AS "residentMembers",
  count(m.id) FILTER (WHERE m.kind = 'IN_SERVICE')::int AS "inServiceMembers",
  count(m.id) FILTER (WHERE m.kind = 'FLOATING')::int AS "floatingMembers"`;
export const MEMBER_COLUMNS: readonly FigureColumn[] = [['members', 'int'], ['residentMembers', 'int'], ['inServiceMembers', 'int'], ['floatingMembers', 'int']];
/** Members per path inside the caller's scope. */
export const MEMBERS_PER_PATH = `SELECT m.path, ${MEMBER_FIGURES} FROM party.party_member m WHERE m.path <@ $3::ltree GROUP BY m.path`;

export interface MemberFigures {
  members: number;
  residentMembers: number;
  inServiceMembers: number;
  floatingMembers: number;
}

/**
 * In-service members' reports (报到) as they stand now, per path, over `party.service_report` aliased `r`.
 * A member's reports all carry the member's path, so distinct members add up over paths.
 */
export const REPORT_FIGURES = `count(r.id) FILTER (WHERE r.status = 'REPORTED')::int AS reported,
  count(r.id) FILTER (WHERE r.status = 'ACCEPTED')::int AS accepted,
  count(r.id) FILTER (WHERE r.status = 'REJECTED')::int AS rejected,
  count(DISTINCT r.member_id) FILTER (WHERE r.status <> 'REJECTED')::int AS "reportingMembers",
  coalesce(sum(r.service_hours) FILTER (WHERE r.status = 'ACCEPTED'), 0)::float8 AS "acceptedHours"`;
export const REPORT_COLUMNS: readonly FigureColumn[] = [['reported', 'int'], ['accepted', 'int'], ['rejected', 'int'], ['reportingMembers', 'int'], ['acceptedHours', 'float8']];
/** Reports per path inside the caller's scope. */
export const REPORTS_PER_PATH = `SELECT r.path, ${REPORT_FIGURES} FROM party.service_report r WHERE r.path <@ $3::ltree GROUP BY r.path`;

export interface ReportFigures {
  reported: number;
  accepted: number;
  rejected: number;
  reportingMembers: number;
  acceptedHours: number;
}

/** The day (China time) a report (aliased `r`) was decided, for counting acceptances by date. */
export const DECIDED_ON = `(r.decided_at AT TIME ZONE 'Asia/Shanghai')::date`;
