import { Directive, Field, ID, ObjectType } from 'type-graphql';
import { Column, Entity, PrimaryColumn } from 'typeorm';
import { Tier } from '@cgp/core';

@Directive('@key(fields: "id")')
@Directive('@key(fields: "code")')
@ObjectType({ description: 'A street office (街道办事处): the lowest level of government, running service centres for the communities below it.' })
@Entity({ schema: 'street', name: 'street' })
export class Street {
  @Field(() => ID, { description: 'Stable identifier.' })
  @PrimaryColumn('uuid')
  id: string;

  @Field(() => String, { description: '9-digit code: the district code + 3 digits.' })
  @Column('varchar', { length: 9, unique: true })
  code: string;

  @Field(() => String, { description: 'Name, e.g. 文化街道.' })
  @Column('varchar', { length: 100 })
  name: string;

  @Field(() => Tier, { description: 'Always STREET.' })
  tier: Tier;

  /** Code of the parent district (the first 6 digits of this code). */
  @Column('varchar', { name: 'district_code', length: 6 })
  districtCode: string;

  @Column('ltree')
  path: string;
}

export const STREET_COLUMNS = `id, code, name, 'STREET' AS tier, district_code AS "districtCode", path::text AS path`;

@Directive('@key(fields: "code")')
@ObjectType({ description: 'A district; the street subgraph adds its street offices.' })
export class District {
  @Field(() => String, { description: '6-digit code.' })
  code: string;
}
