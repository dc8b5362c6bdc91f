import { Directive, Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { Tier, UNIT_LIFE_COLUMNS, withUnitLife } from '@cgp/core';

@Directive('@key(fields: "id")')
@Directive('@key(fields: "code")')
@ObjectType({ description: "A residents' community (社区) with its residents' committee (居委会) and party organisation." })
export class Community {
  @Field(() => ID, { description: 'Stable identifier.' })
  id: string;

  @Field(() => String, { description: '12-digit code: the street code + 3 digits.' })
  code: string;

  @Field(() => String, { description: 'Name, e.g. 新华社区.' })
  name: string;

  @Field(() => Tier, { description: 'Always COMMUNITY.' })
  tier: Tier;

  @Field(() => Int, { description: 'Registered households (户).' })
  households: number;

  @Field(() => Int, { description: 'Resident population (人).' })
  population: number;

  @Field(() => Int, { description: "Staff of the residents' committee and community workstation." })
  staff: number;

  @Field(() => Float, { description: 'Area in square kilometres.' })
  areaKm2: number;

  /** Code of the parent street (the first 9 digits of this code). */
  streetCode: string;

  /** ltree path (community.community.path). */
  path: string;
}

/** SELECT list of community.community that reads rows shaped as Community objects. */
export const COMMUNITY_COLUMNS = `id, code, name, 'COMMUNITY' AS tier, households, population, staff, area_km2::float8 AS "areaKm2", street_code AS "streetCode", path::text AS path, ${UNIT_LIFE_COLUMNS}`;

withUnitLife(Community);
