import { Directive, Field, ObjectType } from 'type-graphql';

@Directive('@key(fields: "code")')
@ObjectType({ description: 'A street office; the community subgraph adds its communities.' })
export class Street {
  @Field(() => String, { description: '9-digit code.' })
  code: string;
}
