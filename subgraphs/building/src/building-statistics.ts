import { Arg, Args, Ctx, Field, FieldResolver, Int, ObjectType, Resolver, Root, registerEnumType, type ClassType } from 'type-graphql';
import {
  assertRankingSize, childLevel, createUnitStubs, createUnitUnion, monthSeriesSql, pathOfCode, PeriodArgs, RankedUnit, RankingPageArgs, statisticsPeriod, Tier,
  tierOfCode, TIERS, UNIT_TYPENAMES, type RequestContext, type StatisticsPeriod, type UnitStub,
} from '@cgp/core';
import { Building, Grid } from './building.entity';
import { BuildingService } from './building.service';

@ObjectType({ description: 'The building leaders’ work in a unit’s whole subtree over a period.' })
export class BuildingWorkStatistics {
  @Field(() => Int, { description: 'Buildings with an elected leader.' }) buildingsWithLeader: number;
  @Field(() => Int, { description: 'Opinions collected in the period.' }) opinions: number;
  @Field(() => Int, { description: 'Residents heard in those opinions.' }) residentsHeard: number;
  @Field(() => Int, { description: 'Instability checks in the period.' }) checks: number;
  @Field(() => Int, { description: 'Checks that found a problem (each raised a grid case).' }) problemsFound: number;
}

@ObjectType({ description: 'The building leaders’ work in one month.' })
export class MonthlyBuildingWorkCount {
  @Field(() => String, { description: 'Month, YYYY-MM.' }) month: string;
  @Field(() => Int, { description: 'Opinions collected that month.' }) opinions: number;
  @Field(() => Int, { description: 'Residents heard in those opinions.' }) residentsHeard: number;
  @Field(() => Int, { description: 'Instability checks that month.' }) checks: number;
  @Field(() => Int, { description: 'Checks that month that found a problem.' }) problemsFound: number;
}

export enum BuildingWorkMetric {
  OPINIONS = 'OPINIONS',
  RESIDENTS_HEARD = 'RESIDENTS_HEARD',
  CHECKS = 'CHECKS',
  PROBLEMS_FOUND = 'PROBLEMS_FOUND',
  BUILDINGS_WITH_LEADER = 'BUILDINGS_WITH_LEADER',
}
registerEnumType(BuildingWorkMetric, {
  name: 'BuildingWorkMetric',
  description: 'A building-work figure to rank units by.',
  valuesConfig: {
    OPINIONS: { description: 'Opinions collected in the period.' },
    RESIDENTS_HEARD: { description: 'Residents heard in the opinions collected in the period.' },
    CHECKS: { description: 'Instability checks in the period.' },
    PROBLEMS_FOUND: { description: 'Checks in the period that found a problem.' },
    BUILDINGS_WITH_LEADER: { description: 'Buildings with an elected leader now (the period does not matter).' },
  },
});

type Period = StatisticsPeriod;
type RankedRow = { code: string; value: number; rank: number };

/** Opinions (alias o) in a unit's subtree, in the caller's scope ($3) and collected in the period ($4–$5). */
const OPINION_IN = (unitPath: string) => `o.path <@ ${unitPath} AND o.path <@ $3::ltree AND o.collected_on >= $4::date AND o.collected_on < $5::date`;
/** Instability checks (alias k) in a unit's subtree, in the caller's scope ($3) and made in the period ($4–$5). */
const CHECK_IN = (unitPath: string) => `k.path <@ ${unitPath} AND k.path <@ $3::ltree AND k.checked_on >= $4::date AND k.checked_on < $5::date`;
const OPINIONS_IN = (unitPath: string) => `building.opinion o WHERE ${OPINION_IN(unitPath)}`;
const CHECKS_IN = (unitPath: string) => `building.instability_check k WHERE ${CHECK_IN(unitPath)}`;

/** Statistics, monthly trends and child rankings of the building leaders' work, each one SQL statement for all units a request asks about. */
export const BuildingWorkStatisticsService = {
  statistics(ctx: RequestContext, code: string, p: Period): Promise<BuildingWorkStatistics> {
    return ctx
      .figures<BuildingWorkStatistics>(`building.statistics:${p.from}:${p.to}`, async (codes) => {
        const rows = await ctx.query<BuildingWorkStatistics & { code: string }>(
          `SELECT u.code,
                  (SELECT count(*) FROM building.building_leader l WHERE l.path <@ u.path AND l.path <@ $3::ltree)::int AS "buildingsWithLeader",
                  (SELECT count(*) FROM ${OPINIONS_IN('u.path')})::int AS opinions,
                  (SELECT coalesce(sum(o.residents), 0) FROM ${OPINIONS_IN('u.path')})::int AS "residentsHeard",
                  (SELECT count(*) FROM ${CHECKS_IN('u.path')})::int AS checks,
                  (SELECT count(*) FROM ${CHECKS_IN('u.path')} AND k.problem_found)::int AS "problemsFound"
             FROM unnest($1::text[], $2::ltree[]) AS u(code, path)`,
          [codes, codes.map(pathOfCode), ctx.scope, p.from, p.to],
        );
        return codes.map((c) => rows.find((r) => r.code === c) as BuildingWorkStatistics);
      })
      .load(code);
  },

  trend(ctx: RequestContext, code: string, p: Period): Promise<MonthlyBuildingWorkCount[]> {
    return ctx
      .figures<MonthlyBuildingWorkCount[]>(`building.trend:${p.from}:${p.to}`, async (codes) => {
        const rows = await ctx.query<MonthlyBuildingWorkCount & { code: string }>(
          `WITH u AS (SELECT code, path FROM unnest($1::text[], $2::ltree[]) AS u(code, path)),
           o AS (SELECT u.code, date_trunc('month', o.collected_on::timestamp) AS month, count(*) AS opinions, sum(o.residents) AS residents
                   FROM u JOIN building.opinion o ON ${OPINION_IN('u.path')} GROUP BY 1, 2),
           k AS (SELECT u.code, date_trunc('month', k.checked_on::timestamp) AS month, count(*) AS checks, count(*) FILTER (WHERE k.problem_found) AS problems
                   FROM u JOIN building.instability_check k ON ${CHECK_IN('u.path')} GROUP BY 1, 2)
           SELECT u.code, to_char(m.month, 'YYYY-MM') AS month, coalesce(o.opinions, 0)::int AS opinions, coalesce(o.residents, 0)::int AS "residentsHeard",
                  coalesce(k.checks, 0)::int AS checks, coalesce(k.problems, 0)::int AS "problemsFound"
             FROM u CROSS JOIN ${monthSeriesSql('$4', '$5')}
             LEFT JOIN o ON o.code = u.code AND o.month = m.month
             LEFT JOIN k ON k.code = u.code AND k.month = m.month
            ORDER BY u.code, m.month`,
          [codes, codes.map(pathOfCode), ctx.scope, p.from, p.to],
        );
        return codes.map((c) => rows.filter((r) => r.code === c).map(({ code: _code, ...month }) => month));
      })
      .load(code);
  },

  /**
   * The unit's children (known from the buildings below them) ranked by a building-work figure,
   * highest first, equal values sharing a rank, then by code; one statement for all units asked.
   */
  ranking(ctx: RequestContext, code: string, metric: BuildingWorkMetric, p: Period, first: number): Promise<RankedRow[]> {
    childLevel(code); // a building has no children: BAD_USER_INPUT
    const value = {
      OPINIONS: `(SELECT count(*) FROM ${OPINIONS_IN('ch.path')})`,
      RESIDENTS_HEARD: `(SELECT coalesce(sum(o.residents), 0) FROM ${OPINIONS_IN('ch.path')})`,
      CHECKS: `(SELECT count(*) FROM ${CHECKS_IN('ch.path')})`,
      PROBLEMS_FOUND: `(SELECT count(*) FROM ${CHECKS_IN('ch.path')} AND k.problem_found)`,
      BUILDINGS_WITH_LEADER: `(SELECT count(*) FROM building.building_leader l WHERE l.path <@ ch.path AND l.path <@ $3::ltree)`,
    }[metric];
    return ctx
      .figures<RankedRow[]>(`building.ranking:${metric}:${p.from}:${p.to}:${first}`, async (codes) => {
        const rows = await ctx.query<RankedRow & { parent: string }>(
          `WITH u AS (SELECT code, path, nlevel(path) + 1 AS level FROM unnest($1::text[], $2::ltree[]) AS u(code, path)),
           children AS (SELECT DISTINCT u.code AS parent, subpath(b.path, 0, u.level) AS path
                          FROM u JOIN building.building b ON b.path <@ u.path AND b.path <@ $3::ltree AND nlevel(b.path) >= u.level),
           valued AS (SELECT ch.parent, subpath(ch.path, -1)::text AS code, ${value}::int AS value FROM children ch),
           ranked AS (
             SELECT parent, code, value, rank() OVER (PARTITION BY parent ORDER BY value DESC)::int AS rank,
                    row_number() OVER (PARTITION BY parent ORDER BY value DESC, code) AS n
               FROM valued)
           -- (the period test also types $4 and $5 for the figures that do not use them)
           SELECT parent, code, value, rank FROM ranked WHERE n <= $6 AND $4::date < $5::date ORDER BY parent, n`,
          [codes, codes.map(pathOfCode), ctx.scope, p.from, p.to, first],
        );
        return codes.map((c) => rows.filter((r) => r.parent === c).map(({ code: child, value: v, rank }) => ({ code: child, value: v, rank })));
      })
      .load(code);
  },
};

const stubs = createUnitStubs('the building subgraph adds its building-work statistics');
/** The five unit classes of this subgraph: its own Building, the Grid stub it already has, stubs for the rest. */
const UNIT_CLASSES: Record<Tier, ClassType<UnitStub>> = { ...stubs, [Tier.GRID]: Grid, [Tier.BUILDING]: Building as unknown as ClassType<UnitStub> };
export const Unit = createUnitUnion(UNIT_CLASSES);

@ObjectType({ description: 'A child unit ranked by a building-work figure.' })
export class RankedBuildingWorkUnit extends RankedUnit {
  @Field(() => Unit, { description: 'The child unit.' }) unit: { __typename: string; code: string };
}

function buildingStatisticsResolver(unit: ClassType<UnitStub>, label: string) {
  @Resolver(() => unit)
  class UnitBuildingStatisticsResolver {
    @FieldResolver(() => BuildingWorkStatistics, { description: `Building leaders’ work in this ${label}'s subtree.` })
    buildingWorkStatistics(
      @Root() u: UnitStub,
      @Ctx() ctx: RequestContext,
      @Args(() => PeriodArgs) { from, to }: PeriodArgs,
    ): Promise<BuildingWorkStatistics> {
      return BuildingWorkStatisticsService.statistics(ctx, u.code, statisticsPeriod(from, to));
    }

    @FieldResolver(() => [MonthlyBuildingWorkCount], { description: `Building leaders’ work per month in this ${label}'s subtree (months with nothing give zeros).` })
    buildingWorkTrend(
      @Root() u: UnitStub,
      @Ctx() ctx: RequestContext,
      @Args(() => PeriodArgs) { from, to }: PeriodArgs,
    ): Promise<MonthlyBuildingWorkCount[]> {
      return BuildingWorkStatisticsService.trend(ctx, u.code, statisticsPeriod(from, to));
    }

    @FieldResolver(() => [RankedBuildingWorkUnit], {
      description: `The child units of this ${label} ranked by a building-work figure, highest first; equal values share a rank.${
        label === 'building' ? ' A building has no child units: BAD_USER_INPUT.' : ''
      }`,
    })
    async buildingWorkRanking(
      @Root() u: UnitStub,
      @Ctx() ctx: RequestContext,
      @Arg('metric', () => BuildingWorkMetric, { defaultValue: BuildingWorkMetric.OPINIONS, description: 'The figure to rank by.' }) metric: BuildingWorkMetric,
      @Args(() => RankingPageArgs) { first, from, to }: RankingPageArgs,
    ): Promise<RankedBuildingWorkUnit[]> {
      assertRankingSize(first);
      const rows = await BuildingWorkStatisticsService.ranking(ctx, u.code, metric, statisticsPeriod(from, to), first);
      // A building is this subgraph's own type: the gateway reads its fields here, so it must be the whole row (one batched read).
      return Promise.all(
        rows.map(async (r) => {
          const tier = tierOfCode(r.code) as Tier;
          const own = tier === Tier.BUILDING ? await BuildingService.byCode(ctx, r.code) : null;
          return { ...r, unit: { ...own, __typename: UNIT_TYPENAMES[tier], code: r.code } };
        }),
      );
    }
  }
  return UnitBuildingStatisticsResolver;
}

export const buildingStatisticsResolvers = TIERS.map((tier) => buildingStatisticsResolver(UNIT_CLASSES[tier], tier.toLowerCase()));
export const buildingUnitStubs = [stubs.DISTRICT, stubs.STREET, stubs.COMMUNITY];
