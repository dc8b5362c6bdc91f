import { Field, ID, ObjectType } from 'type-graphql';
import { CallerKind, Role } from '@cgp/core';

@ObjectType({
  description:
    'A staff appointment (任命): a person, known to the identity provider by `sub`, in roles at a unit from a date; only a current appointment gives access.',
})
export class Appointment {
  @Field(() => ID, { description: 'Stable identifier.' })
  id: string;

  @Field(() => String, { description: 'The person’s subject at the identity provider (the `sub` of their tokens).' })
  sub: string;

  @Field(() => String, { description: 'The person’s name.' })
  personName: string;

  @Field(() => CallerKind, { description: 'The tier of the unit.' })
  tier: CallerKind;

  @Field(() => String, { description: 'The unit’s code.' })
  unitCode: string;

  @Field(() => [Role], { description: 'The roles held there.' })
  roles: Role[];

  @Field(() => String, { description: 'First day (YYYY-MM-DD).' })
  startedOn: string;

  @Field(() => String, { nullable: true, description: 'First day without it (YYYY-MM-DD), or null while it runs. Ended today: no access from today.' })
  endedOn: string | null;

  @Field(() => String, { nullable: true, description: 'Why it ended, as recorded.' })
  endReason: string | null;

  @Field(() => String, { description: 'Who made it (their `sub`).' })
  appointedBy: string;

  path: string;
}

export const APPOINTMENT_COLUMNS = `id, sub, person_name AS "personName", tier, unit_code AS "unitCode", roles, to_char(started_on, 'YYYY-MM-DD') AS "startedOn",
  to_char(ended_on, 'YYYY-MM-DD') AS "endedOn", end_reason AS "endReason", appointed_by AS "appointedBy", path::text AS path`;
