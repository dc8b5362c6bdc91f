import { Directive, Field, ObjectType } from 'type-graphql';

/** Only a member of the Unit union here: this subgraph adds nothing to buildings and resolves none. */
@Directive('@key(fields: "code", resolvable: false)')
@ObjectType({ description: 'A building (owned by the building subgraph).' })
export class Building {
  @Field(() => String, { description: '18-digit code.' }) code: string;
}
