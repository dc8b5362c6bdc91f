import { Directive, Field, ID, ObjectType } from 'type-graphql';
import { Column, Entity, PrimaryColumn } from 'typeorm';
import { Tier } from '@cgp/core';

@Directive('@key(fields: "id")')
@Directive('@key(fields: "code")')
@ObjectType({ description: 'A district government (区): the top tier, the "front-line headquarters" that sees every street, community, grid and building below it.' })
@Entity({ schema: 'district', name: 'district' })
export class District {
  @Field(() => ID, { description: 'Stable identifier.' })
  @PrimaryColumn('uuid')
  id: string;

  @Field(() => String, { description: 'Administrative-division code: 6 digits (Chuanhui district is 411602).' })
  @Column('varchar', { length: 6, unique: true })
  code: string;

  @Field(() => String, { description: 'Name, e.g. 川汇区.' })
  @Column('varchar', { length: 100 })
  name: string;

  @Field(() => Tier, { description: 'Always DISTRICT.' })
  tier: Tier;

  /** ltree ancestry path; for a district, its own code. */
  @Column('ltree')
  path: string;
}

/** SELECT list that reads rows shaped as District objects. */
export const DISTRICT_COLUMNS = `id, code, name, 'DISTRICT' AS tier, path::text AS path`;
