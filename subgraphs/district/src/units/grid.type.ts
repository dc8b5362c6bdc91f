import { Directive, Field, ObjectType } from 'type-graphql';

@Directive('@key(fields: "code")')
@ObjectType({ description: 'A grid (owned by the grid subgraph); the district subgraph adds its staff (the three grid roles) from the appointments.' })
export class Grid {
  @Field(() => String, { description: '15-digit code.' }) code: string;
}
