import { Directive, Field, ID, Int, ObjectType } from 'type-graphql';
import { Tier, UNIT_LIFE_COLUMNS, withUnitLife } from '@cgp/core';

@Directive('@key(fields: "id")')
@Directive('@key(fields: "code")')
@ObjectType({ description: "A building or residents' group (楼栋 / 居民小组), with an elected building leader (楼栋长)." })
export class Building {
  @Field(() => ID, { description: 'Stable identifier.' })
  id: string;

  @Field(() => String, { description: '18-digit code: the grid code + 3 digits.' })
  code: string;

  @Field(() => String, { description: 'Name, e.g. 新华社区1-2号楼.' })
  name: string;

  @Field(() => Tier, { description: 'Always BUILDING.' })
  tier: Tier;

  @Field(() => Int, { description: 'Number of floors.' })
  floors: number;

  @Field(() => Int, { description: 'Households living in the building.' })
  households: number;

  /** Code of the parent grid (the first 15 digits of this code). */
  gridCode: string;

  /** ltree path (building.building.path). */
  path: string;
}

/** SELECT list of building.building that reads rows shaped as Building objects. */
export const BUILDING_COLUMNS = `id, code, name, 'BUILDING' AS tier, floors, households, grid_code AS "gridCode", path::text AS path, ${UNIT_LIFE_COLUMNS}`;

withUnitLife(Building);
