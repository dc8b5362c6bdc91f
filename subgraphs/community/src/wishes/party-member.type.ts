import { Directive, Field, ID, ObjectType } from 'type-graphql';

@Directive('@key(fields: "id")')
@ObjectType({ description: 'A party member (owned by the party subgraph); the community subgraph adds the wishes they claimed.' })
export class PartyMember {
  @Field(() => ID, { description: 'Stable identifier.' }) id: string;
}
