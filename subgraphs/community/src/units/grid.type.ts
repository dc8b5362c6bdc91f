import { Directive, Field, ObjectType } from 'type-graphql';

@Directive('@key(fields: "code")')
@ObjectType({ description: 'A grid; the community subgraph adds its livelihood agents.' })
export class Grid {
  @Field(() => String, { description: '15-digit code.' }) code: string;
}
