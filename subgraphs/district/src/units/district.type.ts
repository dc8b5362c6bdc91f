import { Directive, Field, ID, ObjectType } from 'type-graphql';
import { Tier, UNIT_LIFE_COLUMNS, withUnitLife } from '@cgp/core';

@Directive('@key(fields: "id")')
@Directive('@key(fields: "code")')
@ObjectType({
  description: 'A district government (区): the top tier, the "front-line headquarters" that sees every street, community, grid and building below it.',
})
export class District {
  @Field(() => ID, { description: 'Stable identifier.' })
  id: string;

  @Field(() => String, { description: 'Administrative-division code: 6 digits (Chuanhui district is 411602).' })
  code: string;

  @Field(() => String, { description: 'Name, e.g. 川汇区.' })
  name: string;

  @Field(() => Tier, { description: 'Always DISTRICT.' })
  tier: Tier;

  /** ltree ancestry path; for a district, its own code. */
  path: string;
}

/** SELECT list of district.district that reads rows shaped as District objects. */
export const DISTRICT_COLUMNS = `id, code, name, 'DISTRICT' AS tier, path::text AS path, ${UNIT_LIFE_COLUMNS}`;

withUnitLife(District);
