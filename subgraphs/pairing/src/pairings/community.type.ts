import { Directive, Field, ObjectType } from 'type-graphql';

@Directive('@key(fields: "code")')
@ObjectType({ description: 'A community; the pairing subgraph adds its pairings.' })
export class Community {
  @Field(() => String, { description: '12-digit code.' })
  code: string;
}
