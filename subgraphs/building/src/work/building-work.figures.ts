import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { defineFigures, monthSeriesSql, periodRange, RankedUnit, Tier, TIERS } from '@cgp/core';
import { BuildingService } from '../units/building.service';
import { unitTypes } from '../units/unit.union';

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

@ObjectType({ description: 'A child unit ranked by a building-work figure.' })
export class RankedBuildingWorkUnit extends RankedUnit {
  @Field(() => unitTypes.Unit, { description: 'The child unit.' }) unit: { __typename: string; code: string };
}

/** Opinions (alias o) in a unit's subtree, in the caller's scope ($3) and collected in the period ($4–$5). */
const OPINION_IN = (unitPath: string) => `o.path <@ ${unitPath} AND o.path <@ $3::ltree AND o.collected_on >= $4::date AND o.collected_on < $5::date`;
/** Instability checks (alias k) in a unit's subtree, in the caller's scope ($3) and made in the period ($4–$5). */
const CHECK_IN = (unitPath: string) => `k.path <@ ${unitPath} AND k.path <@ $3::ltree AND k.checked_on >= $4::date AND k.checked_on < $5::date`;
const OPINIONS_IN = (unitPath: string) => `building.opinion o WHERE ${OPINION_IN(unitPath)}`;
const CHECKS_IN = (unitPath: string) => `building.instability_check k WHERE ${CHECK_IN(unitPath)}`;

const VALUE: Record<BuildingWorkMetric, string> = {
  OPINIONS: `(SELECT count(*) FROM ${OPINIONS_IN('ch.path')})`,
  RESIDENTS_HEARD: `(SELECT coalesce(sum(o.residents), 0) FROM ${OPINIONS_IN('ch.path')})`,
  CHECKS: `(SELECT count(*) FROM ${CHECKS_IN('ch.path')})`,
  PROBLEMS_FOUND: `(SELECT count(*) FROM ${CHECKS_IN('ch.path')} AND k.problem_found)`,
  BUILDINGS_WITH_LEADER: `(SELECT count(*) FROM building.building_leader l WHERE l.path <@ ch.path AND l.path <@ $3::ltree)`,
};

/** The dashboard figures of the building leaders' work: buildingWorkStatistics, buildingWorkTrend and buildingWorkRanking on every unit type. */
export const buildingWorkFigures = defineFigures<BuildingWorkMetric>({
  name: 'buildingWork',
  units: TIERS.map((tier) => ({ type: unitTypes.classes[tier], label: tier.toLowerCase() })),
  period: periodRange('date'),
  statistics: {
    type: BuildingWorkStatistics,
    description: (u) => `Building leaders’ work in this ${u.label}'s subtree.`,
    sql: `SELECT u.code,
                 (SELECT count(*) FROM building.building_leader l WHERE l.path <@ u.path AND l.path <@ $3::ltree)::int AS "buildingsWithLeader",
                 (SELECT count(*) FROM ${OPINIONS_IN('u.path')})::int AS opinions,
                 (SELECT coalesce(sum(o.residents), 0) FROM ${OPINIONS_IN('u.path')})::int AS "residentsHeard",
                 (SELECT count(*) FROM ${CHECKS_IN('u.path')})::int AS checks,
                 (SELECT count(*) FROM ${CHECKS_IN('u.path')} AND k.problem_found)::int AS "problemsFound"
            FROM unnest($1::text[], $2::ltree[]) AS u(code, path)`,
  },
  trend: {
    type: MonthlyBuildingWorkCount,
    description: (u) => `Building leaders’ work per month in this ${u.label}'s subtree (months with nothing give zeros).`,
    sql: `WITH u AS (SELECT code, path FROM unnest($1::text[], $2::ltree[]) AS u(code, path)),
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
  },
  ranking: {
    type: RankedBuildingWorkUnit,
    metric: BuildingWorkMetric,
    default: BuildingWorkMetric.OPINIONS,
    description: (u) =>
      `The child units of this ${u.label} ranked by a building-work figure, highest first; equal values share a rank.${
        u.label === 'building' ? ' A building has no child units: BAD_USER_INPUT.' : ''
      }`,
    // The children are known from the buildings below them.
    sql: (metric) => `
      children AS (SELECT DISTINCT u.code AS parent, subpath(b.path, 0, u.level) AS path
                     FROM u JOIN building.building b ON b.path <@ u.path AND b.path <@ $3::ltree AND nlevel(b.path) >= u.level),
      valued AS (SELECT ch.parent, subpath(ch.path, -1)::text AS code, ${VALUE[metric]}::int AS value FROM children ch)`,
    own: { tier: Tier.BUILDING, byCode: (ctx, code) => BuildingService.byCode(ctx, code) },
  },
});
