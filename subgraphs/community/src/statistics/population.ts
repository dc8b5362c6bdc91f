import { Arg, Args, Ctx, Field, FieldResolver, Int, ObjectType, Resolver, Root, registerEnumType, type ClassType } from 'type-graphql';
import { assertRankingSize, badInput, chinaToday, childLevel, pathOfCode, RankedUnit, Tier, tierOfCode, TIERS, type RequestContext, type UnitStub } from '@cgp/core';
import { CHILD_UNITS_CTE, commonPath, GIVEN_UNITS_CTE, RankingSizeArgs, Unit, UNIT_CLASSES, withUnits, type RankedRow } from './units';

@ObjectType({ description: 'Households and residents registered in a unit’s whole subtree, now (no period): the figures behind the must-visits and key-person care.' })
export class PopulationStatistics {
  @Field(() => Int, { description: 'Registered households (户), each a room of a building.' }) households: number;
  @Field(() => Int, { description: 'Registered residents (居民).' }) residents: number;
  @Field(() => Int, { nullable: true, description: 'Resident population (人口) as in the communities’ profiles, summed; null for a grid or building (profiles are kept per community).' })
  population: number | null;
  @Field(() => Int, { nullable: true, description: 'Households as in the communities’ profiles, summed; null for a grid or building.' })
  profileHouseholds: number | null;
  @Field(() => Int, { description: 'Key persons: residents of at least one key category (孤寡贫弱残老); one person of two kinds counts once here.' }) keyPersons: number;
  @Field(() => Int, { description: 'Key persons living alone (孤).' }) livingAlone: number;
  @Field(() => Int, { description: 'Widowed key persons (寡).' }) widowed: number;
  @Field(() => Int, { description: 'Poor key persons (贫).' }) poor: number;
  @Field(() => Int, { description: 'Weak or chronically ill key persons (弱).' }) weakIll: number;
  @Field(() => Int, { description: 'Disabled key persons (残).' }) disabled: number;
  @Field(() => Int, { description: 'Elderly key persons needing care (老).' }) elderly: number;
  @Field(() => Int, { description: 'Residents aged 70 or more today (China time).' }) aged70OrOver: number;
  @Field(() => Int, { description: 'Residents aged 90 or more today (China time).' }) aged90OrOver: number;
}

export enum PopulationMetric {
  HOUSEHOLDS = 'HOUSEHOLDS',
  RESIDENTS = 'RESIDENTS',
  KEY_PERSONS = 'KEY_PERSONS',
  AGED_70_OR_OVER = 'AGED_70_OR_OVER',
  POPULATION = 'POPULATION',
}
registerEnumType(PopulationMetric, {
  name: 'PopulationMetric',
  description: 'A population figure to rank units by.',
  valuesConfig: {
    HOUSEHOLDS: { description: 'Registered households.' },
    RESIDENTS: { description: 'Registered residents.' },
    KEY_PERSONS: { description: 'Key persons (residents of at least one key category).' },
    AGED_70_OR_OVER: { description: 'Residents aged 70 or more.' },
    POPULATION: { description: 'Resident population from the community profiles (children must be streets or communities).' },
  },
});

const COLUMN: Record<PopulationMetric, string> = {
  HOUSEHOLDS: 'households',
  RESIDENTS: 'residents',
  KEY_PERSONS: '"keyPersons"',
  AGED_70_OR_OVER: '"aged70OrOver"',
  POPULATION: 'population',
};

const has = (kind: string) => `count(*) FILTER (WHERE '${kind}' = ANY (r.key_categories))`;
/** Born on or before today less the years (as age() counts them: a 29 February birthday comes on 1 March in other years). */
const agedAtLeast = (years: number) => `count(*) FILTER (WHERE r.birth_date <= ($4::date - interval '${years} years')::date)`;

/**
 * The figures of every unit of `units(code, path)`, from the records `inside` selects (inside the scope `$3`), today being `$4`.
 * Each table is read once and counted per path; each count then goes to its ancestor path at each level the units have, so the
 * units' figures come from equality joins on `path`.
 */
function figuresSql(inside: (alias: string) => string): string {
  const up = (counts: string, sums: string) => `SELECT subpath(b.path, 0, lv.level) AS path, ${sums} FROM (${counts}) b
        JOIN (SELECT DISTINCT nlevel(path) AS level FROM units) lv ON lv.level <= nlevel(b.path) GROUP BY 1`;
  const sum = (...columns: string[]) => columns.map((c) => `sum(b.${c})::int AS ${c}`).join(', ');
  const KEY = ['"keyPersons"', '"livingAlone"', 'widowed', 'poor', '"weakIll"', 'disabled', 'elderly', '"aged70OrOver"', '"aged90OrOver"'];
  return `
  SELECT u.code, coalesce(h.households, 0) AS households, coalesce(r.residents, 0) AS residents, coalesce(c.population, 0) AS population,
         coalesce(c."profileHouseholds", 0) AS "profileHouseholds", ${KEY.map((k) => `coalesce(r.${k}, 0) AS ${k}`).join(', ')}
    FROM units u
    LEFT JOIN (${up(`SELECT x.path, count(*) AS households FROM community.household x WHERE ${inside('x')} GROUP BY x.path`, sum('households'))}) h ON h.path = u.path
    LEFT JOIN (${up(
      `SELECT r.path, count(*) AS residents, count(*) FILTER (WHERE cardinality(r.key_categories) > 0) AS "keyPersons",
              ${has('LIVING_ALONE')} AS "livingAlone", ${has('WIDOWED')} AS widowed, ${has('POOR')} AS poor, ${has('WEAK_ILL')} AS "weakIll",
              ${has('DISABLED')} AS disabled, ${has('ELDERLY')} AS elderly, ${agedAtLeast(70)} AS "aged70OrOver", ${agedAtLeast(90)} AS "aged90OrOver"
         FROM community.resident r WHERE ${inside('r')} GROUP BY r.path`,
      sum('residents', ...KEY),
    )}) r ON r.path = u.path
    LEFT JOIN (${up(`SELECT x.path, x.population, x.households AS "profileHouseholds" FROM community.community x WHERE ${inside('x')}`, sum('population', '"profileHouseholds"'))}) c ON c.path = u.path`;
}
/** Units asked for: their records are read from the subtree of their common ancestor `$5`. */
const FIGURES = figuresSql((a) => `${a}.path <@ $5::ltree AND ${a}.path <@ $3::ltree`);
/** Children of the ranked unit `$1`. */
const CHILD_FIGURES = figuresSql((a) => `${a}.path <@ $1::ltree AND ${a}.path <@ $3::ltree`);

/** Profiles are kept per community: below one they have no figure. */
const profileLevel = (code: string) => [Tier.DISTRICT, Tier.STREET, Tier.COMMUNITY].includes(tierOfCode(code) as Tier);

/** Population figures and child rankings, each one SQL statement for all units a request asks about. */
export const PopulationStatisticsService = {
  statistics(ctx: RequestContext, code: string): Promise<PopulationStatistics> {
    return ctx
      .figures<PopulationStatistics>('population.statistics', async (codes) => {
        const rows = await ctx.query<PopulationStatistics & { code: string }>(`WITH ${GIVEN_UNITS_CTE} ${FIGURES}`, [
          codes, codes.map(pathOfCode), ctx.scope, chinaToday(), commonPath(codes.map(pathOfCode)),
        ]);
        const byCode = new Map(rows.map(({ code: c, ...figures }) => [c, figures]));
        return codes.map((c) => {
          const figures = byCode.get(c) as PopulationStatistics;
          return profileLevel(c) ? figures : { ...figures, population: null, profileHouseholds: null };
        });
      })
      .load(code);
  },

  /** The unit's children ranked by a population figure, highest first (ties share a rank). */
  ranking(ctx: RequestContext, code: string, metric: PopulationMetric, first: number): Promise<RankedRow[]> {
    const level = childLevel(code);
    if (metric === PopulationMetric.POPULATION && level > 3) {
      throw badInput('POPULATION comes from the community profiles: rank a district’s streets or a street’s communities by it, or use RESIDENTS', 'metric');
    }
    const value = COLUMN[metric];
    return ctx.query<RankedRow>(
      `WITH ${CHILD_UNITS_CTE}, figures AS (${CHILD_FIGURES})
       SELECT code, ${value}::float8 AS value, rank() OVER (ORDER BY ${value} DESC)::int AS rank FROM figures ORDER BY ${value} DESC, code LIMIT $5`,
      [pathOfCode(code), level, ctx.scope, chinaToday(), first],
    );
  },
};

@ObjectType({ description: 'A child unit ranked by a population figure.' })
export class RankedPopulationUnit extends RankedUnit {
  @Field(() => Unit, { description: 'The child unit.' }) unit: { __typename: string; code: string };
}

/** Adds populationStatistics and populationRanking to one unit type. */
function populationResolver(unit: ClassType<UnitStub>, label: string) {
  @Resolver(() => unit)
  class UnitPopulationResolver {
    @FieldResolver(() => PopulationStatistics, { description: `Households, residents and key persons registered in this ${label}'s subtree, now.` })
    populationStatistics(@Root() u: UnitStub, @Ctx() ctx: RequestContext): Promise<PopulationStatistics> {
      return PopulationStatisticsService.statistics(ctx, u.code);
    }

    @FieldResolver(() => [RankedPopulationUnit], { description: `The child units of this ${label} ranked by a population figure, highest first (a building has none: BAD_USER_INPUT).` })
    async populationRanking(
      @Root() u: UnitStub,
      @Ctx() ctx: RequestContext,
      @Arg('metric', () => PopulationMetric, { defaultValue: PopulationMetric.RESIDENTS, description: 'The figure to rank by.' }) metric: PopulationMetric,
      @Args(() => RankingSizeArgs) { first }: RankingSizeArgs,
    ): Promise<RankedPopulationUnit[]> {
      assertRankingSize(first);
      return withUnits(ctx, await PopulationStatisticsService.ranking(ctx, u.code, metric, first));
    }
  }
  return UnitPopulationResolver;
}

export const populationResolvers = TIERS.map((tier) => populationResolver(UNIT_CLASSES[tier], tier.toLowerCase()));
