import { Field, Float, Int, ObjectType, registerEnumType } from 'type-graphql';
import { defineFigures, monthSeriesSql, PLATFORM_TIME_ZONE, RankedUnit, Tier, TIERS } from '@cgp/core';
import { GridService } from '../units/grid.service';
import { unitTypes } from '../units/unit.union';

@ObjectType({ description: 'Grid cases in a unit’s whole subtree: where they stand now, and what happened in the period asked for.' })
export class CaseStatistics {
  @Field(() => Int, { description: 'Open now (not closed or rejected).' }) open: number;
  @Field(() => Int, { description: 'Received, waiting for dispatch.' }) received: number;
  @Field(() => Int, { description: 'Dispatched.' }) dispatched: number;
  @Field(() => Int, { description: 'Being handled.' }) inProgress: number;
  @Field(() => Int, { description: 'Returned, waiting for the check.' }) returned: number;
  @Field(() => Int, { description: 'Closed (all time).' }) closed: number;
  @Field(() => Int, { description: 'Rejected (all time).' }) rejected: number;
  @Field(() => Int, { description: 'Open and past the deadline now.' }) overdue: number;
  @Field(() => Int, { description: 'Reported in the period.' }) reportedInPeriod: number;
  @Field(() => Int, { description: 'Closed in the period.' }) closedInPeriod: number;
  @Field(() => Float, { nullable: true, description: 'Median hours from report to close, for cases closed in the period.' }) medianHandlingHours: number | null;
}

@ObjectType({ description: 'Cases reported and closed in one month.' })
export class MonthlyCaseCount {
  @Field(() => String, { description: 'Month, YYYY-MM.' }) month: string;
  @Field(() => Int, { description: 'Reported that month.' }) reported: number;
  @Field(() => Int, { description: 'Closed that month.' }) closed: number;
}

export enum CaseMetric {
  OPEN = 'OPEN',
  OVERDUE = 'OVERDUE',
  REPORTED = 'REPORTED',
  CLOSED = 'CLOSED',
}
registerEnumType(CaseMetric, {
  name: 'CaseMetric',
  description: 'A case figure to rank units by.',
  valuesConfig: {
    OPEN: { description: 'Open now.' },
    OVERDUE: { description: 'Open and past the deadline now.' },
    REPORTED: { description: 'Reported in the period.' },
    CLOSED: { description: 'Closed in the period.' },
  },
});

@ObjectType({ description: 'A child unit ranked by a case figure.' })
export class RankedCaseUnit extends RankedUnit {
  @Field(() => unitTypes.Unit, { description: 'The child unit.' }) unit: { __typename: string; code: string };
}

/* Figures over cases (alias c); the period is $4 (inclusive) to $5 (exclusive). */
/** The platform's (China) day of a period bound, the day the summaries count on. */
const DAY_OF = (param: string) => `(${param}::timestamptz AT TIME ZONE '${PLATFORM_TIME_ZONE}')::date`;
const OPEN = `c.state NOT IN ('CLOSED', 'REJECTED')`;

const VALUE: Record<CaseMetric, string> = {
  OPEN: `count(c.id) FILTER (WHERE ${OPEN})`,
  OVERDUE: `count(c.id) FILTER (WHERE ${OPEN} AND c.deadline < now())`,
  REPORTED: `count(c.id) FILTER (WHERE c.reported_at >= $4 AND c.reported_at < $5)`,
  CLOSED: `count(c.id) FILTER (WHERE c.state = 'CLOSED' AND c.closed_at >= $4 AND c.closed_at < $5)`,
};

/** The dashboard figures of grid cases: caseStatistics, caseTrend and caseRanking on every unit type. */
export const caseFigures = defineFigures<CaseMetric>({
  name: 'case',
  units: TIERS.map((tier) => ({ type: unitTypes.classes[tier], label: tier.toLowerCase() })),
  statistics: {
    type: CaseStatistics,
    description: (u) => `Grid cases in this ${u.label}'s subtree.`,
    // Counts from the summaries the case triggers keep (migration 1732000180000); overdue now from the open
    // cases (partial index grid_case_open_deadline); the median from the period's closed cases only.
    sql: `WITH u AS (SELECT * FROM unnest($1::text[], $2::ltree[]) AS u(code, path)),
          st AS (SELECT u.code, s.state, sum(s.n)::int AS n FROM u JOIN grid.case_state_count s ON s.path <@ u.path AND s.path <@ $3::ltree GROUP BY u.code, s.state),
          dy AS (SELECT u.code, sum(d.reported)::int AS reported, sum(d.closed)::int AS closed
                   FROM u JOIN grid.case_day_count d ON d.path <@ u.path AND d.path <@ $3::ltree AND d.day >= ${DAY_OF('$4')} AND d.day < ${DAY_OF('$5')}
                  GROUP BY u.code),
          od AS (SELECT u.code, count(c.id)::int AS overdue FROM u JOIN grid.grid_case c ON c.path <@ u.path AND c.path <@ $3::ltree AND ${OPEN} AND c.deadline < now()
                  GROUP BY u.code),
          md AS (SELECT u.code, round((percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM c.closed_at - c.reported_at) / 3600))::numeric, 1)::float8 AS median
                   FROM u JOIN grid.grid_case c ON c.path <@ u.path AND c.path <@ $3::ltree AND c.state = 'CLOSED' AND c.closed_at >= $4::timestamptz AND c.closed_at < $5::timestamptz
                  GROUP BY u.code)
          SELECT u.code,
                 coalesce((SELECT sum(n) FROM st WHERE st.code = u.code AND st.state NOT IN ('CLOSED', 'REJECTED')), 0)::int AS open,
                 coalesce((SELECT n FROM st WHERE st.code = u.code AND st.state = 'RECEIVED'), 0) AS received,
                 coalesce((SELECT n FROM st WHERE st.code = u.code AND st.state = 'DISPATCHED'), 0) AS dispatched,
                 coalesce((SELECT n FROM st WHERE st.code = u.code AND st.state = 'IN_PROGRESS'), 0) AS "inProgress",
                 coalesce((SELECT n FROM st WHERE st.code = u.code AND st.state = 'RETURNED'), 0) AS returned,
                 coalesce((SELECT n FROM st WHERE st.code = u.code AND st.state = 'CLOSED'), 0) AS closed,
                 coalesce((SELECT n FROM st WHERE st.code = u.code AND st.state = 'REJECTED'), 0) AS rejected,
                 coalesce(od.overdue, 0) AS overdue,
                 coalesce(dy.reported, 0) AS "reportedInPeriod",
                 coalesce(dy.closed, 0) AS "closedInPeriod",
                 md.median AS "medianHandlingHours"
            FROM u LEFT JOIN dy ON dy.code = u.code LEFT JOIN od ON od.code = u.code LEFT JOIN md ON md.code = u.code`,
  },
  trend: {
    type: MonthlyCaseCount,
    description: (u) => `Cases reported and closed per month in this ${u.label}'s subtree.`,
    // Sums of the per-day summaries over each month's days in the period.
    sql: `SELECT u.code, to_char(m.month, 'YYYY-MM') AS month,
                 coalesce(sum(d.reported), 0)::int AS reported,
                 coalesce(sum(d.closed), 0)::int AS closed
            FROM unnest($1::text[], $2::ltree[]) AS u(code, path)
            CROSS JOIN ${monthSeriesSql('$4', '$5')}
            LEFT JOIN grid.case_day_count d ON d.path <@ u.path AND d.path <@ $3::ltree
                  AND d.day >= ${DAY_OF('$4')} AND d.day < ${DAY_OF('$5')} AND d.day >= m.month::date AND d.day < (m.month + interval '1 month')::date
           GROUP BY u.code, m.month ORDER BY u.code, m.month`,
  },
  ranking: {
    type: RankedCaseUnit,
    metric: CaseMetric,
    default: CaseMetric.OVERDUE,
    description: (u) =>
      `The child units of this ${u.label} ranked by a case figure, highest first; equal values share a rank.${
        u.label === 'grid'
          ? ' A grid’s buildings are those that have had cases.'
          : u.label === 'building'
            ? ' A building has no child units: BAD_USER_INPUT.'
            : ''
      }`,
    // Children come from the grids (every community and street below has grids) and from the cases' buildings; children with no cases rank with 0.
    sql: (metric) => `
      children AS (
        SELECT u.code AS parent, subpath(g.path, 0, u.level) AS path FROM u JOIN grid.grid g ON g.path <@ u.path AND nlevel(g.path) >= u.level
        UNION
        SELECT u.code, subpath(c.path, 0, u.level) FROM u JOIN grid.grid_case c ON c.path <@ u.path AND c.path <@ $3::ltree AND nlevel(c.path) >= u.level),
      valued AS (
        SELECT ch.parent, subpath(ch.path, -1)::text AS code, ${VALUE[metric]}::int AS value
          FROM children ch LEFT JOIN grid.grid_case c ON c.path <@ ch.path AND c.path <@ $3::ltree
         GROUP BY ch.parent, ch.path)`,
    own: { tier: Tier.GRID, byCode: (ctx, code) => GridService.byCode(ctx, code) },
  },
});
