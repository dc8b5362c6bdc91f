import { ArgsType, Field, Int } from 'type-graphql';
import { Tier, tierOfCode, UNIT_TYPENAMES, type RequestContext } from '@cgp/core';
import { CommunityService } from '../units/community.service';
import { unitTypes } from '../units/unit.union';

export const UNIT_CLASSES = unitTypes.classes;
export const Unit = unitTypes.Unit;

/** Ranking size without a period (for figures that have none). */
@ArgsType()
export class RankingSizeArgs {
  @Field(() => Int, { defaultValue: 20, description: 'How many child units to return, 1 to 100 (default 20).' })
  first: number;
}

/**
 * SQL of the common table expression `units(code, path)`: the child units (at ltree level `$2`) of
 * the unit whose path is `$1`, as this subgraph knows them from its communities, livelihood agents
 * (one per grid) and households (by building), inside the caller's scope `$3`.
 */
export const CHILD_UNITS_CTE = `units AS (
    SELECT subpath(x.path, -1)::text AS code, x.path FROM (
      SELECT subpath(c.path, 0, $2) AS path FROM community.community c WHERE c.path <@ $1::ltree AND c.path <@ $3::ltree AND nlevel(c.path) >= $2
      UNION SELECT subpath(a.path, 0, $2) FROM community.livelihood_agent a WHERE a.path <@ $1::ltree AND a.path <@ $3::ltree AND nlevel(a.path) >= $2
      UNION SELECT DISTINCT subpath(h.path, 0, $2) FROM community.household h WHERE h.path <@ $1::ltree AND h.path <@ $3::ltree AND nlevel(h.path) >= $2
    ) x
  )`;

/** SQL of `units(code, path)` for the units a request asks about: codes `$1`, their paths `$2`. */
export const GIVEN_UNITS_CTE = `units AS (SELECT * FROM unnest($1::text[], $2::ltree[]) AS u(code, path))`;

/**
 * The deepest path every given path lies under (the path itself for one): the records of many units are read from this one
 * subtree with the ltree index, then assigned to the units by an equality join on their ancestor path.
 */
export function commonPath(paths: readonly string[]): string {
  let common = paths[0]?.split('.') ?? [];
  for (const path of paths) {
    const labels = path.split('.');
    let i = 0;
    while (i < common.length && i < labels.length && common[i] === labels[i]) i++;
    common = common.slice(0, i);
  }
  return common.join('.');
}

export interface RankedRow {
  code: string;
  value: number;
  rank: number;
}

export interface RankedUnitRow extends RankedRow {
  unit: { __typename: string; code: string };
}

/** Ranked rows with their unit: a community as this subgraph's own record (batched), other tiers as stubs. */
export async function withUnits(ctx: RequestContext, rows: RankedRow[]): Promise<RankedUnitRow[]> {
  return Promise.all(
    rows.map(async (r) => {
      const tier = tierOfCode(r.code) as Tier;
      const own = tier === Tier.COMMUNITY ? await CommunityService.byCode(ctx, r.code) : null;
      return { ...r, unit: { ...(own ?? {}), __typename: UNIT_TYPENAMES[tier], code: r.code } };
    }),
  );
}
