import { Directive, Field, ID, ObjectType } from 'type-graphql';
import { Tier, UNIT_LIFE_COLUMNS, withUnitLife } from '@cgp/core';

@Directive('@key(fields: "id")')
@Directive('@key(fields: "code")')
@ObjectType({ description: 'A street office (街道办事处): the lowest level of government, running service centres for the communities below it.' })
export class Street {
  @Field(() => ID, { description: 'Stable identifier.' })
  id: string;

  @Field(() => String, { description: '9-digit code: the district code + 3 digits.' })
  code: string;

  @Field(() => String, { description: 'Name, e.g. 文化街道.' })
  name: string;

  @Field(() => Tier, { description: 'Always STREET.' })
  tier: Tier;

  /** Code of the parent district (the first 6 digits of this code). */
  districtCode: string;

  /** ltree path (street.street.path). */
  path: string;
}

/** SELECT list of street.street that reads rows shaped as Street objects. */
export const STREET_COLUMNS = `id, code, name, 'STREET' AS tier, district_code AS "districtCode", path::text AS path, ${UNIT_LIFE_COLUMNS}`;

withUnitLife(Street);
