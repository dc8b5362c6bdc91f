import { Directive, Field, ObjectType } from 'type-graphql';

@Directive('@key(fields: "code")')
@ObjectType({ description: 'A street office (owned by the street subgraph); the district subgraph adds its assessment figures.' })
export class Street {
  @Field(() => String, { description: '9-digit code.' }) code: string;
}
