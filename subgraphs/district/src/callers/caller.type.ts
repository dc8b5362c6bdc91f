import { Field, ID, ObjectType } from 'type-graphql';
import { CallerKind, Role } from '@cgp/core';

@ObjectType({ description: 'Who is calling, as the verified token says.' })
export class Caller {
  @Field(() => String, { description: 'Subject of the token (the user or client id).' })
  sub: string;

  @Field(() => CallerKind, { description: "The caller's tier; PARTNER for a partner organisation, RESIDENT for a resident, HOTLINE for the citizen hotline." })
  tier: CallerKind;

  @Field(() => String, {
    nullable: true,
    description:
      "Code of the caller's unit (a resident's community, the hotline's district); null for partners. Staff see what is inside it; residents and the hotline only their own cases there.",
  })
  unit: string | null;

  @Field(() => [Role], { description: "The caller's roles in its unit." })
  roles: Role[];

  @Field(() => ID, { nullable: true, description: "A partner's organisation id; null for staff." })
  org: string | null;

  @Field(() => ID, { nullable: true, description: "A resident's household (the community register's id); null for everyone else." })
  household: string | null;
}
