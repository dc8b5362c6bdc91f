import { Arg, Args, Ctx, Field, FieldResolver, Float, Int, ObjectType, Resolver, Root, registerEnumType, type ClassType } from 'type-graphql';
import {
  assertRankingSize, badInput, childLevel, pathOfCode, PeriodArgs, RankedUnit, statisticsPeriod, Tier, tierOfCode, type RequestContext, type StatisticsPeriod, type UnitStub,
} from '@cgp/core';
import { District } from './district.entity';
import { PERIOD, PERIOD_HINT } from './assessment.input';
import { ASSESSED } from './assessment.service';
import { Community, Street, Unit, UNIT_TYPENAME } from './unit.union';

@ObjectType({ description: 'Six-goods assessment figures of the communities in a unit’s subtree for one period.' })
export class AssessmentStatistics {
  @Field(() => String, { description: 'The period.' }) period: string;
  @Field(() => String, { description: 'First day of the period (YYYY-MM-DD).' }) startsOn: string;
  @Field(() => String, { description: 'Last day of the period (YYYY-MM-DD).' }) endsOn: string;
  @Field(() => Int, { description: 'Communities assessed.' }) assessed: number;
  @Field(() => Float, { nullable: true, description: 'Average total score.' }) averageTotal: number | null;
  @Field(() => Float, { nullable: true, description: 'Highest total score.' }) highestTotal: number | null;
  @Field(() => Float, { nullable: true, description: 'Lowest total score.' }) lowestTotal: number | null;
}

export enum AssessmentMetric {
  TOTAL = 'TOTAL',
  SELF_GOVERNANCE = 'SELF_GOVERNANCE',
  MANAGEMENT = 'MANAGEMENT',
  SERVICE = 'SERVICE',
  PUBLIC_SECURITY = 'PUBLIC_SECURITY',
  ENVIRONMENT = 'ENVIRONMENT',
  ETHOS = 'ETHOS',
}
registerEnumType(AssessmentMetric, {
  name: 'AssessmentMetric',
  description: 'An assessment score to rank units by (the average over a unit’s assessed communities).',
  valuesConfig: {
    TOTAL: { description: 'The total (the average of the six scores).' },
    SELF_GOVERNANCE: { description: 'Good self-governance (自治好).' },
    MANAGEMENT: { description: 'Good management (管理好).' },
    SERVICE: { description: 'Good service (服务好).' },
    PUBLIC_SECURITY: { description: 'Good public security (治安好).' },
    ENVIRONMENT: { description: 'Good environment (环境好).' },
    ETHOS: { description: 'Good ethos (风尚好).' },
  },
});

const COLUMN: Record<AssessmentMetric, string> = {
  TOTAL: 'total',
  SELF_GOVERNANCE: 'self_governance',
  MANAGEMENT: 'management',
  SERVICE: 'service',
  PUBLIC_SECURITY: 'public_security',
  ENVIRONMENT: 'environment',
  ETHOS: 'ethos',
};

@ObjectType({ description: 'A child unit ranked by an assessment score for one period.' })
export class RankedAssessmentUnit extends RankedUnit {
  @Field(() => Int, { description: 'Communities of the child unit assessed for the period (1 for a community).' }) assessed: number;
  @Field(() => Unit, { description: 'The child unit.' }) unit: { __typename: string; code: string };
}

/** SQL for the first day of an assessment period (2024, 2024-H2, 2024-Q3) held in `column`. */
const PERIOD_START = (column: string) =>
  `make_date(left(${column}, 4)::int, CASE WHEN ${column} LIKE '%-H2' THEN 7 WHEN ${column} LIKE '%-Q_' THEN right(${column}, 1)::int * 3 - 2 ELSE 1 END, 1)`;
/** SQL for the day after an assessment period. */
const PERIOD_END = (column: string) =>
  `(${PERIOD_START(column)} + CASE WHEN length(${column}) = 4 THEN interval '12 months' WHEN ${column} LIKE '%-H_' THEN interval '6 months' ELSE interval '3 months' END)::date`;
const FIGURES = `count(a.id)::int AS assessed, round(avg(a.total), 2)::float8 AS "averageTotal", max(a.total)::float8 AS "highestTotal", min(a.total)::float8 AS "lowestTotal"`;

function assertPeriod(period: string): void {
  if (!PERIOD.test(period)) throw badInput(`period must be ${PERIOD_HINT}; got "${period}"`, 'period');
}

type RankedRow = { code: string; value: number; rank: number; assessed: number };

/** Statistics, trends and child rankings of the six-goods assessments, each one SQL statement for all units a request asks about. */
export const AssessmentStatisticsService = {
  statistics(ctx: RequestContext, code: string, period: string): Promise<AssessmentStatistics> {
    return ctx
      .figures<AssessmentStatistics>(`assessment.statistics:${period}`, async (codes) => {
        const rows = await ctx.query<AssessmentStatistics & { code: string }>(
          `SELECT u.code, $4::text AS period, ${PERIOD_START('$4::text')}::text AS "startsOn", (${PERIOD_END('$4::text')} - 1)::text AS "endsOn", ${FIGURES}
             FROM unnest($1::text[], $2::ltree[]) AS u(code, path)
             LEFT JOIN district.assessment a ON ${ASSESSED('$4', 'u.path', '$3')}
            GROUP BY u.code`,
          [codes, codes.map(pathOfCode), ctx.scope, period],
        );
        return codes.map((c) => rows.find((r) => r.code === c) as AssessmentStatistics);
      })
      .load(code);
  },

  /**
   * The figures of every assessment period that lies within [from, to) and was assessed anywhere
   * in the caller's scope, oldest first (a year after its halves and quarters that start with it);
   * a unit without assessments for such a period gets 0 assessed and no averages.
   */
  trend(ctx: RequestContext, code: string, p: StatisticsPeriod): Promise<AssessmentStatistics[]> {
    return ctx
      .figures<AssessmentStatistics[]>(`assessment.trend:${p.from}:${p.to}`, async (codes) => {
        const rows = await ctx.query<AssessmentStatistics & { code: string }>(
          `WITH periods AS (
             SELECT period, ${PERIOD_START('period')} AS starts, ${PERIOD_END('period')} AS ends
               FROM (SELECT DISTINCT a.period FROM district.assessment a WHERE a.path <@ $3::ltree) assessed),
           inside AS (SELECT * FROM periods WHERE starts >= $4::date AND ends <= $5::date)
           SELECT u.code, p.period, p.starts::text AS "startsOn", (p.ends - 1)::text AS "endsOn", ${FIGURES}
             FROM unnest($1::text[], $2::ltree[]) AS u(code, path)
             CROSS JOIN inside p
             LEFT JOIN district.assessment a ON ${ASSESSED('p.period', 'u.path', '$3')}
            GROUP BY u.code, p.period, p.starts, p.ends
            ORDER BY u.code, p.starts, p.ends`,
          [codes, codes.map(pathOfCode), ctx.scope, p.from, p.to],
        );
        return codes.map((c) => rows.filter((r) => r.code === c).map(({ code: _code, ...figures }) => figures));
      })
      .load(code);
  },

  /**
   * The unit's children that have assessed communities for the period, ranked by the average of a
   * score over those communities (a community's own score), best first; equal values share a rank,
   * then by code. One statement for all units asked.
   */
  ranking(ctx: RequestContext, code: string, metric: AssessmentMetric, period: string, first: number): Promise<RankedRow[]> {
    childLevel(code);
    return ctx
      .figures<RankedRow[]>(`assessment.ranking:${metric}:${period}:${first}`, async (codes) => {
        const rows = await ctx.query<RankedRow & { parent: string }>(
          `WITH u AS (SELECT code, path, nlevel(path) + 1 AS level FROM unnest($1::text[], $2::ltree[]) AS u(code, path)),
           valued AS (
             SELECT u.code AS parent, subpath(a.path, u.level - 1, 1)::text AS code, round(avg(a.${COLUMN[metric]}), 2)::float8 AS value, count(*)::int AS assessed
               FROM u JOIN district.assessment a ON ${ASSESSED('$4', 'u.path', '$3')} AND nlevel(a.path) >= u.level
              GROUP BY u.code, subpath(a.path, u.level - 1, 1)),
           ranked AS (
             SELECT parent, code, value, assessed, rank() OVER (PARTITION BY parent ORDER BY value DESC)::int AS rank,
                    row_number() OVER (PARTITION BY parent ORDER BY value DESC, code) AS n
               FROM valued)
           SELECT parent, code, value, assessed, rank FROM ranked WHERE n <= $5 ORDER BY parent, n`,
          [codes, codes.map(pathOfCode), ctx.scope, period, first],
        );
        return codes.map((c) => rows.filter((r) => r.parent === c).map(({ parent: _parent, ...row }) => row));
      })
      .load(code);
  },
};

/** Adds assessmentStatistics and assessmentTrend to one unit type. */
function assessmentStatisticsResolver(unit: ClassType<UnitStub>, label: string) {
  @Resolver(() => unit)
  class UnitAssessmentStatisticsResolver {
    @FieldResolver(() => AssessmentStatistics, { description: `Assessment figures of the communities in this ${label}'s subtree for a period.` })
    assessmentStatistics(@Root() u: UnitStub, @Ctx() ctx: RequestContext, @Arg('period', () => String, { description: `The period: ${PERIOD_HINT}.` }) period: string): Promise<AssessmentStatistics> {
      assertPeriod(period);
      return AssessmentStatisticsService.statistics(ctx, u.code, period);
    }

    @FieldResolver(() => [AssessmentStatistics], {
      description: `Assessment figures of the communities in this ${label}'s subtree for every assessment period (year, half-year or quarter) that lies within from–to, oldest first (a year after its halves and quarters).`,
    })
    assessmentTrend(@Root() u: UnitStub, @Ctx() ctx: RequestContext, @Args(() => PeriodArgs) { from, to }: PeriodArgs): Promise<AssessmentStatistics[]> {
      return AssessmentStatisticsService.trend(ctx, u.code, statisticsPeriod(from, to));
    }
  }
  return UnitAssessmentStatisticsResolver;
}

/** Adds assessmentRanking to a unit type whose children are assessed (a district's street offices, a street office's communities). */
function assessmentRankingResolver(unit: ClassType<UnitStub>, label: string, children: string) {
  @Resolver(() => unit)
  class UnitAssessmentRankingResolver {
    @FieldResolver(() => [RankedAssessmentUnit], {
      description: `The ${children} of this ${label} assessed for a period, ranked by an assessment score (averaged over their assessed communities), best first; equal values share a rank.`,
    })
    assessmentRanking(
      @Root() u: UnitStub,
      @Ctx() ctx: RequestContext,
      @Arg('period', () => String, { description: `The period: ${PERIOD_HINT}.` }) period: string,
      @Arg('metric', () => AssessmentMetric, { defaultValue: AssessmentMetric.TOTAL, description: 'The score to rank by.' }) metric: AssessmentMetric,
      @Arg('first', () => Int, { defaultValue: 20, description: 'How many child units to return, 1 to 100 (default 20).' }) first: number,
    ): Promise<RankedAssessmentUnit[]> {
      assertPeriod(period);
      assertRankingSize(first);
      return AssessmentStatisticsService.ranking(ctx, u.code, metric, period, first).then((rows) =>
        rows.map((r) => ({ ...r, unit: { __typename: UNIT_TYPENAME[tierOfCode(r.code) as Tier], code: r.code } })),
      );
    }
  }
  return UnitAssessmentRankingResolver;
}

export const assessmentStatisticsResolvers = [
  assessmentStatisticsResolver(District as unknown as ClassType<UnitStub>, 'district'),
  assessmentStatisticsResolver(Street, 'street office'),
  assessmentStatisticsResolver(Community, 'community'),
  assessmentRankingResolver(District as unknown as ClassType<UnitStub>, 'district', 'street offices'),
  assessmentRankingResolver(Street, 'street office', 'communities'),
];
