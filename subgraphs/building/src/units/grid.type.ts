import { Directive, Field, ObjectType } from 'type-graphql';

@Directive('@key(fields: "code")')
@ObjectType({ description: 'A grid; the building subgraph adds its buildings.' })
export class Grid {
  @Field(() => String, { description: '15-digit code.' })
  code: string;
}
