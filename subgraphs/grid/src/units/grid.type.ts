import { Directive, Field, ID, ObjectType } from 'type-graphql';
import { Tier, UNIT_LIFE_COLUMNS, withUnitLife } from '@cgp/core';

@Directive('@key(fields: "id")')
@Directive('@key(fields: "code")')
@ObjectType({ description: 'A grid (网格): an area of a community where needs are found, resources joined and problems solved, with "one grid, three staff".' })
export class Grid {
  @Field(() => ID, { description: 'Stable identifier.' })
  id: string;

  @Field(() => String, { description: '15-digit code: the community code + 3 digits.' })
  code: string;

  @Field(() => String, { description: 'Name, e.g. 碧林花园社区第1网格.' })
  name: string;

  @Field(() => Tier, { description: 'Always GRID.' })
  tier: Tier;

  /** Code of the parent community (the first 12 digits of this code). */
  communityCode: string;

  /** ltree path (grid.grid.path). */
  path: string;
}

/** SELECT list of grid.grid that reads rows shaped as Grid objects. */
export const GRID_COLUMNS = `id, code, name, 'GRID' AS tier, community_code AS "communityCode", path::text AS path, ${UNIT_LIFE_COLUMNS}`;

withUnitLife(Grid);
