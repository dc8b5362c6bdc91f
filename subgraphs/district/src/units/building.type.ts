import { Directive, Field, ObjectType } from 'type-graphql';

@Directive('@key(fields: "code")')
@ObjectType({ description: 'A building (owned by the building subgraph); the district subgraph adds its leaders from the appointments.' })
export class Building {
  @Field(() => String, { description: '18-digit code.' }) code: string;
}
