import { Directive, Field, ObjectType } from 'type-graphql';

/** Only a member of the Unit union here: this subgraph adds nothing to grids and resolves none. */
@Directive('@key(fields: "code", resolvable: false)')
@ObjectType({ description: 'A grid (owned by the grid subgraph).' })
export class Grid {
  @Field(() => String, { description: '15-digit code.' }) code: string;
}
