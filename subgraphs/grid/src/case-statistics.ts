import { Arg, Args, Ctx, Field, FieldResolver, Float, Int, ObjectType, Resolver, Root, registerEnumType, type ClassType } from 'type-graphql';
import {
  assertRankingSize, childLevel, createUnitStubs, createUnitUnion, monthSeriesSql, PeriodArgs, pathOfCode, RankedUnit, RankingPageArgs, statisticsPeriod, Tier, tierOfCode,
  TIERS, UNIT_TYPENAMES, type RequestContext, type StatisticsPeriod, type UnitStub,
} from '@cgp/core';
import { Community, Grid } from './grid.entity';
import { GridService } from './grid.service';

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

type Period = StatisticsPeriod;
type RankedRow = { code: string; value: number; rank: number };

const OPEN = `c.state NOT IN ('CLOSED', 'REJECTED')`;

/** Statistics, monthly trends and child rankings of grid cases, each one SQL statement for all units a request asks about. */
export const CaseStatisticsService = {
  statistics(ctx: RequestContext, code: string, p: Period): Promise<CaseStatistics> {
    return ctx
      .figures<CaseStatistics>(`case.statistics:${p.from}:${p.to}`, async (codes) => {
        const rows = await ctx.query<CaseStatistics & { code: string }>(
          `SELECT u.code,
                  count(c.id) FILTER (WHERE ${OPEN})::int AS open,
                  count(c.id) FILTER (WHERE c.state = 'RECEIVED')::int AS received,
                  count(c.id) FILTER (WHERE c.state = 'DISPATCHED')::int AS dispatched,
                  count(c.id) FILTER (WHERE c.state = 'IN_PROGRESS')::int AS "inProgress",
                  count(c.id) FILTER (WHERE c.state = 'RETURNED')::int AS returned,
                  count(c.id) FILTER (WHERE c.state = 'CLOSED')::int AS closed,
                  count(c.id) FILTER (WHERE c.state = 'REJECTED')::int AS rejected,
                  count(c.id) FILTER (WHERE ${OPEN} AND c.deadline < now())::int AS overdue,
                  count(c.id) FILTER (WHERE c.reported_at >= $4 AND c.reported_at < $5)::int AS "reportedInPeriod",
                  count(c.id) FILTER (WHERE c.state = 'CLOSED' AND c.closed_at >= $4 AND c.closed_at < $5)::int AS "closedInPeriod",
                  round((percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM c.closed_at - c.reported_at) / 3600)
                        FILTER (WHERE c.state = 'CLOSED' AND c.closed_at >= $4 AND c.closed_at < $5))::numeric, 1)::float8 AS "medianHandlingHours"
             FROM unnest($1::text[], $2::ltree[]) AS u(code, path)
             LEFT JOIN grid.grid_case c ON c.path <@ u.path AND c.path <@ $3::ltree
            GROUP BY u.code`,
          [codes, codes.map(pathOfCode), ctx.scope, p.from, p.to],
        );
        return codes.map((c) => rows.find((r) => r.code === c) as CaseStatistics);
      })
      .load(code);
  },

  trend(ctx: RequestContext, code: string, p: Period): Promise<MonthlyCaseCount[]> {
    return ctx
      .figures<MonthlyCaseCount[]>(`case.trend:${p.from}:${p.to}`, async (codes) => {
        const rows = await ctx.query<{ code: string; month: string; reported: number; closed: number }>(
          `SELECT u.code, to_char(m.month, 'YYYY-MM') AS month,
                  count(c.id) FILTER (WHERE date_trunc('month', c.reported_at) = m.month AND c.reported_at >= $4 AND c.reported_at < $5)::int AS reported,
                  count(c.id) FILTER (WHERE date_trunc('month', c.closed_at) = m.month AND c.state = 'CLOSED' AND c.closed_at >= $4 AND c.closed_at < $5)::int AS closed
             FROM unnest($1::text[], $2::ltree[]) AS u(code, path)
             CROSS JOIN ${monthSeriesSql('$4', '$5')}
             LEFT JOIN grid.grid_case c ON c.path <@ u.path AND c.path <@ $3::ltree
                   AND ((c.reported_at >= m.month AND c.reported_at < m.month + interval '1 month') OR (c.closed_at >= m.month AND c.closed_at < m.month + interval '1 month'))
            GROUP BY u.code, m.month ORDER BY u.code, m.month`,
          [codes, codes.map(pathOfCode), ctx.scope, p.from, p.to],
        );
        return codes.map((c) => rows.filter((r) => r.code === c).map(({ month, reported, closed }) => ({ month, reported, closed })));
      })
      .load(code);
  },

  /**
   * The unit's children ranked by a case figure, highest first (equal values share a rank, then by
   * code); children with no cases rank with 0. Every unit asked in one request costs one statement.
   */
  ranking(ctx: RequestContext, code: string, metric: CaseMetric, p: Period, first: number): Promise<RankedRow[]> {
    childLevel(code); // a building has no children: BAD_USER_INPUT before anything runs
    const value = {
      OPEN: `count(c.id) FILTER (WHERE ${OPEN})`,
      OVERDUE: `count(c.id) FILTER (WHERE ${OPEN} AND c.deadline < now())`,
      REPORTED: `count(c.id) FILTER (WHERE c.reported_at >= $4 AND c.reported_at < $5)`,
      CLOSED: `count(c.id) FILTER (WHERE c.state = 'CLOSED' AND c.closed_at >= $4 AND c.closed_at < $5)`,
    }[metric];
    return ctx
      .figures<RankedRow[]>(`case.ranking:${metric}:${p.from}:${p.to}:${first}`, async (codes) => {
        // Children come from the grids (every community and street below has grids) and from the cases' buildings.
        const rows = await ctx.query<RankedRow & { parent: string }>(
          `WITH u AS (SELECT code, path, nlevel(path) + 1 AS level FROM unnest($1::text[], $2::ltree[]) AS u(code, path)),
           children AS (
             SELECT u.code AS parent, subpath(g.path, 0, u.level) AS path FROM u JOIN grid.grid g ON g.path <@ u.path AND nlevel(g.path) >= u.level
             UNION
             SELECT u.code, subpath(c.path, 0, u.level) FROM u JOIN grid.grid_case c ON c.path <@ u.path AND c.path <@ $3::ltree AND nlevel(c.path) >= u.level),
           valued AS (
             SELECT ch.parent, subpath(ch.path, -1)::text AS code, ${value}::int AS value
               FROM children ch LEFT JOIN grid.grid_case c ON c.path <@ ch.path AND c.path <@ $3::ltree
              GROUP BY ch.parent, ch.path),
           ranked AS (
             SELECT parent, code, value, rank() OVER (PARTITION BY parent ORDER BY value DESC)::int AS rank,
                    row_number() OVER (PARTITION BY parent ORDER BY value DESC, code) AS n
               FROM valued)
           -- (the period test also types $4 and $5 for the figures that do not use them)
           SELECT parent, code, value, rank FROM ranked WHERE n <= $6 AND $4::timestamptz < $5::timestamptz ORDER BY parent, n`,
          [codes, codes.map(pathOfCode), ctx.scope, p.from, p.to, first],
        );
        return codes.map((c) => rows.filter((r) => r.parent === c).map(({ code: child, value: v, rank }) => ({ code: child, value: v, rank })));
      })
      .load(code);
  },
};

const stubs = createUnitStubs('the grid subgraph adds its case statistics');
/** The five unit classes of this subgraph: its own Grid, the Community stub it already has, stubs for the rest. */
export const UNIT_CLASSES: Record<Tier, ClassType<UnitStub>> = { ...stubs, [Tier.COMMUNITY]: Community, [Tier.GRID]: Grid as unknown as ClassType<UnitStub> };
export const Unit = createUnitUnion(UNIT_CLASSES);

/**
 * The union value of a ranked child unit. Grids are this subgraph's own type, resolved here: the whole
 * row (batched), since the gateway asks this subgraph for their fields. Other tiers are stubs by code,
 * whose fields the gateway fetches from the subgraphs that own them.
 */
async function rankedUnit(ctx: RequestContext, code: string): Promise<{ __typename: string; code: string }> {
  const tier = tierOfCode(code) as Tier;
  const own = tier === Tier.GRID ? await GridService.byCode(ctx, code) : null;
  return { ...own, __typename: UNIT_TYPENAMES[tier], code };
}

/** Adds caseStatistics, caseTrend and caseRanking to one unit type. */
function caseStatisticsResolver(unit: ClassType<UnitStub>, label: string) {
  @Resolver(() => unit)
  class UnitCaseStatisticsResolver {
    @FieldResolver(() => CaseStatistics, { description: `Grid cases in this ${label}'s subtree.` })
    caseStatistics(
      @Root() u: UnitStub,
      @Ctx() ctx: RequestContext,
      @Args(() => PeriodArgs) { from, to }: PeriodArgs,
    ): Promise<CaseStatistics> {
      return CaseStatisticsService.statistics(ctx, u.code, statisticsPeriod(from, to));
    }

    @FieldResolver(() => [MonthlyCaseCount], { description: `Cases reported and closed per month in this ${label}'s subtree.` })
    caseTrend(
      @Root() u: UnitStub,
      @Ctx() ctx: RequestContext,
      @Args(() => PeriodArgs) { from, to }: PeriodArgs,
    ): Promise<MonthlyCaseCount[]> {
      return CaseStatisticsService.trend(ctx, u.code, statisticsPeriod(from, to));
    }

    @FieldResolver(() => [RankedCaseUnit], {
      description: `The child units of this ${label} ranked by a case figure, highest first; equal values share a rank.${
        label === 'grid' ? ' A grid’s buildings are those that have had cases.' : label === 'building' ? ' A building has no child units: BAD_USER_INPUT.' : ''
      }`,
    })
    async caseRanking(
      @Root() u: UnitStub,
      @Ctx() ctx: RequestContext,
      @Arg('metric', () => CaseMetric, { defaultValue: CaseMetric.OVERDUE, description: 'The figure to rank by.' }) metric: CaseMetric,
      @Args(() => RankingPageArgs) { first, from, to }: RankingPageArgs,
    ): Promise<RankedCaseUnit[]> {
      assertRankingSize(first);
      const rows = await CaseStatisticsService.ranking(ctx, u.code, metric, statisticsPeriod(from, to), first);
      return Promise.all(rows.map(async (r) => ({ ...r, unit: await rankedUnit(ctx, r.code) })));
    }
  }
  return UnitCaseStatisticsResolver;
}

@ObjectType({ description: 'A child unit ranked by a case figure.' })
export class RankedCaseUnit extends RankedUnit {
  @Field(() => Unit, { description: 'The child unit.' }) unit: { __typename: string; code: string };
}

export const caseStatisticsResolvers = TIERS.map((tier) => caseStatisticsResolver(UNIT_CLASSES[tier], tier.toLowerCase()));
export const unitStubTypes = [stubs.DISTRICT, stubs.STREET, stubs.BUILDING];
