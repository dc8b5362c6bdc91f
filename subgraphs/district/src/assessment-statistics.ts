import { Arg, Ctx, Field, FieldResolver, Float, Int, ObjectType, Resolver, Root, type ClassType } from 'type-graphql';
import { badInput, pathOfCode, type RequestContext, type UnitStub } from '@cgp/core';
import { District } from './district.entity';
import { PERIOD, PERIOD_HINT } from './assessment.input';
import { Community, Street } from './unit.union';

@ObjectType({ description: 'Six-goods assessment figures of the communities in a unit’s subtree for one period.' })
export class AssessmentStatistics {
  @Field(() => String, { description: 'The period.' }) period: string;
  @Field(() => Int, { description: 'Communities assessed.' }) assessed: number;
  @Field(() => Float, { nullable: true, description: 'Average total score.' }) averageTotal: number | null;
  @Field(() => Float, { nullable: true, description: 'Highest total score.' }) highestTotal: number | null;
  @Field(() => Float, { nullable: true, description: 'Lowest total score.' }) lowestTotal: number | null;
}

function statistics(ctx: RequestContext, code: string, period: string): Promise<AssessmentStatistics> {
  return ctx
    .loader<string, AssessmentStatistics>(`assessment.statistics:${period}`, async (codes) => {
      const rows = await ctx.query<AssessmentStatistics & { code: string }>(
        `SELECT u.code, $4::text AS period, count(a.id)::int AS assessed, round(avg(a.total), 2)::float8 AS "averageTotal",
                max(a.total)::float8 AS "highestTotal", min(a.total)::float8 AS "lowestTotal"
           FROM unnest($1::text[], $2::ltree[]) AS u(code, path)
           LEFT JOIN district.assessment a ON a.path <@ u.path AND a.path <@ $3::ltree AND a.period = $4
          GROUP BY u.code`,
        [codes, codes.map(pathOfCode), ctx.scope, period],
      );
      return codes.map((c) => rows.find((r) => r.code === c) as AssessmentStatistics);
    })
    .load(code);
}

function assessmentStatisticsResolver(unit: ClassType<UnitStub>, label: string) {
  @Resolver(() => unit)
  class UnitAssessmentStatisticsResolver {
    @FieldResolver(() => AssessmentStatistics, { description: `Assessment figures of the communities in this ${label}'s subtree for a period.` })
    assessmentStatistics(@Root() u: UnitStub, @Ctx() ctx: RequestContext, @Arg('period', () => String, { description: `The period: ${PERIOD_HINT}.` }) period: string): Promise<AssessmentStatistics> {
      if (!PERIOD.test(period)) throw badInput(`period must be ${PERIOD_HINT}`, 'period');
      return statistics(ctx, u.code, period);
    }
  }
  return UnitAssessmentStatisticsResolver;
}

export const assessmentStatisticsResolvers = [
  assessmentStatisticsResolver(District as unknown as ClassType<UnitStub>, 'district'),
  assessmentStatisticsResolver(Street, 'street office'),
  assessmentStatisticsResolver(Community, 'community'),
];
