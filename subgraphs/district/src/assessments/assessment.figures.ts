import { ArgsType, Field, Float, Int, ObjectType, registerEnumType } from 'type-graphql';
import { badInput, defineFigures, periodRange, RankedUnit, RankingSizeArgs, Tier, type FiguresPeriod, type StatisticsPeriod } from '@cgp/core';
import { unitTypes } from '../units/unit.union';
import { PERIOD, PERIOD_HINT } from './assessment.input';
import { ASSESSED } from './assessment.service';

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
  @Field(() => unitTypes.Unit, { description: 'The child unit.' }) unit: { __typename: string; code: string };
}

/** SQL for the first day of an assessment period (2024, 2024-H2, 2024-Q3) held in `column`. */
const PERIOD_START = (column: string) =>
  `make_date(left(${column}, 4)::int, CASE WHEN ${column} LIKE '%-H2' THEN 7 WHEN ${column} LIKE '%-Q_' THEN right(${column}, 1)::int * 3 - 2 ELSE 1 END, 1)`;
/** SQL for the day after an assessment period. */
const PERIOD_END = (column: string) =>
  `(${PERIOD_START(column)} + CASE WHEN length(${column}) = 4 THEN interval '12 months' WHEN ${column} LIKE '%-H_' THEN interval '6 months' ELSE interval '3 months' END)::date`;
const FIGURES = `count(a.id)::int AS assessed, round(avg(a.total), 2)::float8 AS "averageTotal", max(a.total)::float8 AS "highestTotal", min(a.total)::float8 AS "lowestTotal"`;

@ArgsType()
class AssessmentPeriodArgs {
  @Field(() => String, { description: `The period: ${PERIOD_HINT}.` }) period: string;
}

/** One assessment period (2024, 2024-H1, 2024-Q3): the argument of the statistics and the ranking (after `first` and `metric`), $4 of their statements. */
const assessmentPeriod: FiguresPeriod<string> = {
  args: AssessmentPeriodArgs,
  rankingArgs: RankingSizeArgs,
  rankingPeriodAfterMetric: true,
  parse: ({ period }) => {
    if (typeof period !== 'string' || !PERIOD.test(period)) throw badInput(`period must be ${PERIOD_HINT}; got "${String(period)}"`, 'period');
    return period;
  },
  key: (period) => period,
  params: (period) => [period],
};

const UNITS = [
  { type: unitTypes.classes[Tier.DISTRICT], label: 'district', children: 'street offices' },
  { type: unitTypes.classes[Tier.STREET], label: 'street office', children: 'communities' },
  { type: unitTypes.classes[Tier.COMMUNITY], label: 'community', fields: ['statistics', 'trend'] as const },
];

/**
 * The figures of the six-goods assessments: assessmentStatistics (one period) and assessmentTrend
 * (every period within from–to) on the district, street offices and communities, assessmentRanking of
 * a district's street offices and a street office's communities.
 */
export const assessmentFigures = defineFigures<AssessmentMetric, string, StatisticsPeriod>({
  name: 'assessment',
  units: UNITS,
  period: assessmentPeriod,
  statistics: {
    type: AssessmentStatistics,
    description: (u) => `Assessment figures of the communities in this ${u.label}'s subtree for a period.`,
    sql: `SELECT u.code, $4::text AS period, ${PERIOD_START('$4::text')}::text AS "startsOn", (${PERIOD_END('$4::text')} - 1)::text AS "endsOn", ${FIGURES}
            FROM unnest($1::text[], $2::ltree[]) AS u(code, path)
            LEFT JOIN district.assessment a ON ${ASSESSED('$4', 'u.path', '$3')}
           GROUP BY u.code`,
  },
  /*
   * The figures of every assessment period that lies within [from, to) and was assessed anywhere in the
   * caller's scope, oldest first (a year after its halves and quarters that start with it); a unit
   * without assessments for such a period gets 0 assessed and no averages.
   */
  trend: {
    type: AssessmentStatistics,
    period: periodRange('date'),
    description: (u) =>
      `Assessment figures of the communities in this ${u.label}'s subtree for every assessment period (year, half-year or quarter) that lies within from–to, oldest first (a year after its halves and quarters).`,
    sql: `WITH periods AS (
            SELECT period, ${PERIOD_START('period')} AS starts, ${PERIOD_END('period')} AS ends
              FROM (SELECT DISTINCT a.period FROM district.assessment a WHERE a.path <@ $3::ltree) assessed),
          inside AS (SELECT * FROM periods WHERE starts >= $4::date AND ends <= $5::date)
          SELECT u.code, p.period, p.starts::text AS "startsOn", (p.ends - 1)::text AS "endsOn", ${FIGURES}
            FROM unnest($1::text[], $2::ltree[]) AS u(code, path)
            CROSS JOIN inside p
            LEFT JOIN district.assessment a ON ${ASSESSED('p.period', 'u.path', '$3')}
           GROUP BY u.code, p.period, p.starts, p.ends
           ORDER BY u.code, p.starts, p.ends`,
  },
  /*
   * The unit's children that have assessed communities for the period, ranked by the average of a
   * score over those communities (a community's own score), best first.
   */
  ranking: {
    type: RankedAssessmentUnit,
    metric: AssessmentMetric,
    default: AssessmentMetric.TOTAL,
    metricDescription: 'The score to rank by.',
    description: (u) =>
      `The ${u.children} of this ${u.label} assessed for a period, ranked by an assessment score (averaged over their assessed communities), best first; equal values share a rank.`,
    sql: (metric) => `
      valued AS (
        SELECT u.code AS parent, subpath(a.path, u.level - 1, 1)::text AS code, round(avg(a.${COLUMN[metric]}), 2)::float8 AS value, count(*)::int AS assessed
          FROM u JOIN district.assessment a ON ${ASSESSED('$4', 'u.path', '$3')} AND nlevel(a.path) >= u.level
         GROUP BY u.code, subpath(a.path, u.level - 1, 1))`,
  },
});
