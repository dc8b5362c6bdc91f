import { Directive, Field, ObjectType } from 'type-graphql';

@Directive('@key(fields: "code")')
@ObjectType({ description: 'A community (owned by the community subgraph); the district subgraph adds its harmonious-community assessments.' })
export class Community {
  @Field(() => String, { description: '12-digit code.' }) code: string;
}
