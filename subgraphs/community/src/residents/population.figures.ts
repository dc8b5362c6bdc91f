import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { badInput, childLevel, defineFigures, noPeriod, RankedUnit, Tier, TIERS } from '@cgp/core';
import { CommunityService } from '../units/community.service';
import { AT_COMMUNITY_OR_ABOVE, CHILD_UNITS, childValues, UNITS_ASKED, unitFiguresParams } from '../units/unit.figures';
import { unitTypes } from '../units/unit.union';

@ObjectType({
  description: 'Households and residents registered in a unit’s whole subtree, now (no period): the figures behind the must-visits and key-person care.',
})
export class PopulationStatistics {
  @Field(() => Int, { description: 'Registered households (户), each a room of a building.' }) households: number;
  @Field(() => Int, { description: 'Registered residents (居民).' }) residents: number;
  @Field(() => Int, {
    nullable: true,
    description: 'Resident population (人口) as in the communities’ profiles, summed; null for a grid or building (profiles are kept per community).',
  })
  population: number | null;
  @Field(() => Int, { nullable: true, description: 'Households as in the communities’ profiles, summed; null for a grid or building.' })
  profileHouseholds: number | null;
  @Field(() => Int, { description: 'Key persons: residents of at least one key category (孤寡贫弱残老); one person of two kinds counts once here.' })
  keyPersons: number;
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

@ObjectType({ description: 'A child unit ranked by a population figure.' })
export class RankedPopulationUnit extends RankedUnit {
  @Field(() => unitTypes.Unit, { description: 'The child unit.' }) unit: { __typename: string; code: string };
}

const COLUMN: Record<PopulationMetric, keyof PopulationStatistics> = {
  HOUSEHOLDS: 'households',
  RESIDENTS: 'residents',
  KEY_PERSONS: 'keyPersons',
  AGED_70_OR_OVER: 'aged70OrOver',
  POPULATION: 'population',
};

const has = (kind: string) => `count(*) FILTER (WHERE '${kind}' = ANY (r.key_categories))`;
/** Born on or before today ($4) less the years (as age() counts them: a 29 February birthday comes on 1 March in other years). */
const agedAtLeast = (years: number) => `count(*) FILTER (WHERE r.birth_date <= ($4::date - interval '${years} years')::date)`;
/** The records under the units' common ancestor ($5) and inside the scope ($3). */
const inside = (a: string) => `${a}.path <@ $5::ltree AND ${a}.path <@ $3::ltree`;

/**
 * `figures(code, …)` of every unit of `units(code, path)`, today being $4. Each table is read once and counted per path; each
 * count then goes to its ancestor path at each level the units have, so the units' figures come from equality joins on `path`.
 * Profiles are kept per community: a grid or building has no profile figures.
 */
const FIGURES = (() => {
  const up = (counts: string, sums: string) => `SELECT subpath(b.path, 0, lv.level) AS path, ${sums} FROM (${counts}) b
        JOIN (SELECT DISTINCT nlevel(path) AS level FROM units) lv ON lv.level <= nlevel(b.path) GROUP BY 1`;
  const sum = (...columns: string[]) => columns.map((c) => `sum(b.${c})::int AS ${c}`).join(', ');
  const KEY = ['"keyPersons"', '"livingAlone"', 'widowed', 'poor', '"weakIll"', 'disabled', 'elderly', '"aged70OrOver"', '"aged90OrOver"'];
  const profile = (column: string) => `CASE WHEN ${AT_COMMUNITY_OR_ABOVE('u.path')} THEN coalesce(c.${column}, 0) END`;
  return `figures AS (
  SELECT u.code, coalesce(h.households, 0) AS households, coalesce(r.residents, 0) AS residents, ${profile('population')} AS population,
         ${profile('"profileHouseholds"')} AS "profileHouseholds", ${KEY.map((k) => `coalesce(r.${k}, 0) AS ${k}`).join(', ')}
    FROM units u
    LEFT JOIN (${up(`SELECT x.path, count(*) AS households FROM community.household x WHERE ${inside('x')} GROUP BY x.path`, sum('households'))}) h ON h.path = u.path
    LEFT JOIN (${up(
      `SELECT r.path, count(*) AS residents, count(*) FILTER (WHERE cardinality(r.key_categories) > 0) AS "keyPersons",
              ${has('LIVING_ALONE')} AS "livingAlone", ${has('WIDOWED')} AS widowed, ${has('POOR')} AS poor, ${has('WEAK_ILL')} AS "weakIll",
              ${has('DISABLED')} AS disabled, ${has('ELDERLY')} AS elderly, ${agedAtLeast(70)} AS "aged70OrOver", ${agedAtLeast(90)} AS "aged90OrOver"
         FROM community.resident r WHERE ${inside('r')} GROUP BY r.path`,
      sum('residents', ...KEY),
    )}) r ON r.path = u.path
    LEFT JOIN (${up(`SELECT x.path, x.population, x.households AS "profileHouseholds" FROM community.community x WHERE ${inside('x')}`, sum('population', '"profileHouseholds"'))}) c ON c.path = u.path)`;
})();

/**
 * The dashboard figures of the registered population: populationStatistics and populationRanking on every unit type, now
 * (no period; $4 today, $5 the units' common path).
 */
export const populationFigures = defineFigures<PopulationMetric, null>({
  name: 'population',
  units: TIERS.map((tier) => ({ type: unitTypes.classes[tier], label: tier.toLowerCase() })),
  period: noPeriod(),
  params: unitFiguresParams,
  statistics: {
    type: PopulationStatistics,
    description: (u) => `Households, residents and key persons registered in this ${u.label}'s subtree, now.`,
    sql: `WITH ${UNITS_ASKED}, ${FIGURES} SELECT * FROM figures`,
  },
  ranking: {
    type: RankedPopulationUnit,
    metric: PopulationMetric,
    default: PopulationMetric.RESIDENTS,
    description: (u) => `The child units of this ${u.label} ranked by a population figure, highest first (a building has none: BAD_USER_INPUT).`,
    sql: (metric) => `${CHILD_UNITS}, ${FIGURES}, ${childValues(COLUMN[metric])}`,
    own: { tier: Tier.COMMUNITY, byCode: (ctx, code) => CommunityService.byCode(ctx, code) },
    check(code, metric) {
      if (metric === PopulationMetric.POPULATION && childLevel(code) > 3) {
        throw badInput('POPULATION comes from the community profiles: rank a district’s streets or a street’s communities by it, or use RESIDENTS', 'metric');
      }
    },
  },
});
