import { Directive, Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { Column, Entity, PrimaryColumn } from 'typeorm';
import { Tier } from '@cgp/core';

@Directive('@key(fields: "id")')
@Directive('@key(fields: "code")')
@ObjectType({ description: "A residents' community (社区) with its residents' committee (居委会) and party organisation." })
@Entity({ schema: 'community', name: 'community' })
export class Community {
  @Field(() => ID, { description: 'Stable identifier.' })
  @PrimaryColumn('uuid')
  id: string;

  @Field(() => String, { description: '12-digit code: the street code + 3 digits.' })
  @Column('varchar', { length: 12, unique: true })
  code: string;

  @Field(() => String, { description: 'Name, e.g. 新华社区.' })
  @Column('varchar', { length: 100 })
  name: string;

  @Field(() => Tier, { description: 'Always COMMUNITY.' })
  tier: Tier;

  @Field(() => Int, { description: 'Registered households (户).' })
  @Column('int')
  households: number;

  @Field(() => Int, { description: 'Resident population (人).' })
  @Column('int')
  population: number;

  @Field(() => Int, { description: "Staff of the residents' committee and community workstation." })
  @Column('int')
  staff: number;

  @Field(() => Float, { description: 'Area in square kilometres.' })
  @Column('numeric', { name: 'area_km2' })
  areaKm2: number;

  /** Code of the parent street (the first 9 digits of this code). */
  @Column('varchar', { name: 'street_code', length: 9 })
  streetCode: string;

  @Column('ltree')
  path: string;
}

export const COMMUNITY_COLUMNS = `id, code, name, 'COMMUNITY' AS tier, households, population, staff, area_km2::float8 AS "areaKm2", street_code AS "streetCode", path::text AS path`;

@Directive('@key(fields: "code")')
@ObjectType({ description: 'A street office; the community subgraph adds its communities.' })
export class Street {
  @Field(() => String, { description: '9-digit code.' })
  code: string;
}
