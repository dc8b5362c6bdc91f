import { Directive, Field, ObjectType } from 'type-graphql';

@Directive('@key(fields: "code")')
@ObjectType({ description: 'A district; the street subgraph adds its street offices.' })
export class District {
  @Field(() => String, { description: '6-digit code.' })
  code: string;
}
