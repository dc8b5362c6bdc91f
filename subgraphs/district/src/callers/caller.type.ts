import { Field, ID, ObjectType } from 'type-graphql';
import { CallerKind, Role } from '@cgp/core';

@ObjectType({ description: 'Who is calling, as the verified token says.' })
export class Caller {
  @Field(() => String, { description: 'Subject of the token (the user or client id).' })
  sub: string;

  @Field(() => CallerKind, { description: "The caller's tier, or PARTNER for a partner organisation." })
  tier: CallerKind;

  @Field(() => String, { nullable: true, description: "Code of the caller's unit; null for partners." })
  unit: string | null;

  @Field(() => [Role], { description: "The caller's roles in its unit." })
  roles: Role[];

  @Field(() => ID, { nullable: true, description: "A partner's organisation id; null for staff." })
  org: string | null;
}
