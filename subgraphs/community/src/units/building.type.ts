import { Directive, Field, ObjectType } from 'type-graphql';

@Directive('@key(fields: "code")')
@ObjectType({ description: 'A building; the community subgraph adds its households.' })
export class Building {
  @Field(() => String, { description: '18-digit code.' })
  code: string;
}
