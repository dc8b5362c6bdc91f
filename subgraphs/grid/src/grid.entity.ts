import { Directive, Field, ID, ObjectType } from 'type-graphql';
import { Column, Entity, PrimaryColumn } from 'typeorm';
import { Tier } from '@cgp/core';

@Directive('@key(fields: "id")')
@Directive('@key(fields: "code")')
@ObjectType({ description: 'A grid (网格): an area of a community where needs are found, resources joined and problems solved, with "one grid, three staff".' })
@Entity({ schema: 'grid', name: 'grid' })
export class Grid {
  @Field(() => ID, { description: 'Stable identifier.' })
  @PrimaryColumn('uuid')
  id: string;

  @Field(() => String, { description: '15-digit code: the community code + 3 digits.' })
  @Column('varchar', { length: 15, unique: true })
  code: string;

  @Field(() => String, { description: 'Name, e.g. 碧林花园社区第1网格.' })
  @Column('varchar', { length: 100 })
  name: string;

  @Field(() => Tier, { description: 'Always GRID.' })
  tier: Tier;

  /** Code of the parent community (the first 12 digits of this code). */
  @Column('varchar', { name: 'community_code', length: 12 })
  communityCode: string;

  @Column('ltree')
  path: string;
}

export const GRID_COLUMNS = `id, code, name, 'GRID' AS tier, community_code AS "communityCode", path::text AS path`;

@Directive('@key(fields: "code")')
@ObjectType({ description: 'A community; the grid subgraph adds its grids.' })
export class Community {
  @Field(() => String, { description: '12-digit code.' })
  code: string;
}
