import { Args, Ctx, Field, FieldResolver, Int, ObjectType, Resolver, Root, type ClassType } from 'type-graphql';
import { createUnitStubs, pathOfCode, PeriodArgs, statisticsPeriod, Tier, TIERS, type RequestContext, type UnitStub } from '@cgp/core';
import { Building, Grid } from './building.entity';

@ObjectType({ description: 'The building leaders’ work in a unit’s whole subtree over a period.' })
export class BuildingWorkStatistics {
  @Field(() => Int, { description: 'Buildings with an elected leader.' }) buildingsWithLeader: number;
  @Field(() => Int, { description: 'Opinions collected in the period.' }) opinions: number;
  @Field(() => Int, { description: 'Residents heard in those opinions.' }) residentsHeard: number;
  @Field(() => Int, { description: 'Instability checks in the period.' }) checks: number;
  @Field(() => Int, { description: 'Checks that found a problem (each raised a grid case).' }) problemsFound: number;
}

/** One statement for all units a request asks about. */
function statistics(ctx: RequestContext, code: string, p: { from: string; to: string }): Promise<BuildingWorkStatistics> {
  return ctx
    .loader<string, BuildingWorkStatistics>(`building.statistics:${p.from}:${p.to}`, async (codes) => {
      const rows = await ctx.query<BuildingWorkStatistics & { code: string }>(
        `SELECT u.code,
                (SELECT count(*) FROM building.building_leader l WHERE l.path <@ u.path AND l.path <@ $3::ltree)::int AS "buildingsWithLeader",
                (SELECT count(*) FROM building.opinion o WHERE o.path <@ u.path AND o.path <@ $3::ltree AND o.collected_on >= $4 AND o.collected_on < $5)::int AS opinions,
                (SELECT coalesce(sum(o.residents), 0) FROM building.opinion o WHERE o.path <@ u.path AND o.path <@ $3::ltree AND o.collected_on >= $4 AND o.collected_on < $5)::int AS "residentsHeard",
                (SELECT count(*) FROM building.instability_check k WHERE k.path <@ u.path AND k.path <@ $3::ltree AND k.checked_on >= $4 AND k.checked_on < $5)::int AS checks,
                (SELECT count(*) FROM building.instability_check k WHERE k.path <@ u.path AND k.path <@ $3::ltree AND k.problem_found AND k.checked_on >= $4 AND k.checked_on < $5)::int AS "problemsFound"
           FROM unnest($1::text[], $2::ltree[]) AS u(code, path)`,
        [codes, codes.map(pathOfCode), ctx.scope, p.from, p.to],
      );
      return codes.map((c) => rows.find((r) => r.code === c) as BuildingWorkStatistics);
    })
    .load(code);
}

const stubs = createUnitStubs('the building subgraph adds its building-work statistics');
const UNIT_CLASSES: Record<Tier, ClassType<UnitStub>> = { ...stubs, [Tier.GRID]: Grid, [Tier.BUILDING]: Building as unknown as ClassType<UnitStub> };

function buildingStatisticsResolver(unit: ClassType<UnitStub>, label: string) {
  @Resolver(() => unit)
  class UnitBuildingStatisticsResolver {
    @FieldResolver(() => BuildingWorkStatistics, { description: `Building leaders’ work in this ${label}'s subtree.` })
    buildingWorkStatistics(
      @Root() u: UnitStub,
      @Ctx() ctx: RequestContext,
      @Args(() => PeriodArgs) { from, to }: PeriodArgs,
    ): Promise<BuildingWorkStatistics> {
      return statistics(ctx, u.code, statisticsPeriod(from, to));
    }
  }
  return UnitBuildingStatisticsResolver;
}

export const buildingStatisticsResolvers = TIERS.map((tier) => buildingStatisticsResolver(UNIT_CLASSES[tier], tier.toLowerCase()));
export const buildingUnitStubs = [stubs.DISTRICT, stubs.STREET, stubs.COMMUNITY];
