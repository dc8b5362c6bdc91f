import { Directive, Field, ID, Int, ObjectType } from 'type-graphql';
import { Column, Entity, PrimaryColumn } from 'typeorm';
import { Tier } from '@cgp/core';

@Directive('@key(fields: "id")')
@Directive('@key(fields: "code")')
@ObjectType({ description: "A building or residents' group (楼栋 / 居民小组), with an elected building leader (楼栋长)." })
@Entity({ schema: 'building', name: 'building' })
export class Building {
  @Field(() => ID, { description: 'Stable identifier.' })
  @PrimaryColumn('uuid')
  id: string;

  @Field(() => String, { description: '18-digit code: the grid code + 3 digits.' })
  @Column('varchar', { length: 18, unique: true })
  code: string;

  @Field(() => String, { description: 'Name, e.g. 新华社区1-2号楼.' })
  @Column('varchar', { length: 100 })
  name: string;

  @Field(() => Tier, { description: 'Always BUILDING.' })
  tier: Tier;

  @Field(() => Int, { description: 'Number of floors.' })
  @Column('int')
  floors: number;

  @Field(() => Int, { description: 'Households living in the building.' })
  @Column('int')
  households: number;

  /** Code of the parent grid (the first 15 digits of this code). */
  @Column('varchar', { name: 'grid_code', length: 15 })
  gridCode: string;

  @Column('ltree')
  path: string;
}

export const BUILDING_COLUMNS = `id, code, name, 'BUILDING' AS tier, floors, households, grid_code AS "gridCode", path::text AS path`;

@Directive('@key(fields: "code")')
@ObjectType({ description: 'A grid; the building subgraph adds its buildings.' })
export class Grid {
  @Field(() => String, { description: '15-digit code.' })
  code: string;
}
