import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DateScalar } from './date.scalar';
import { FestivalKind } from './festival.type';

export enum MustVisitRule {
  FESTIVAL = 'FESTIVAL',
  FAMILY_EVENT = 'FAMILY_EVENT',
  HOSPITAL_STAY = 'HOSPITAL_STAY',
  BIRTHDAY_OVER_90 = 'BIRTHDAY_OVER_90',
}
registerEnumType(MustVisitRule, {
  name: 'MustVisitRule',
  description: 'The "four must-visits" (四必访): which rule makes a visit due.',
  valuesConfig: {
    FESTIVAL: {
      description:
        'Residents aged 70 or over on the festival and disabled residents, before New Year and before Spring Festival: a FESTIVAL visit from 30 days before the festival to the festival day (from the day after New Year for a Spring Festival less than 31 days after it).',
    },
    FAMILY_EVENT: { description: 'A major family event: within 7 days of it (a FAMILY_EVENT visit).' },
    HOSPITAL_STAY: { description: 'A hospital stay: within 7 days of admission (a HOSPITAL visit).' },
    BIRTHDAY_OVER_90: {
      description:
        'The birthday of anyone turning 90 or more that year (29 February birthdays on 28 February in other years): a BIRTHDAY visit from 7 days before the birthday to the birthday.',
    },
  },
});

export enum VisitStatus {
  DUE = 'DUE',
  DONE = 'DONE',
  LATE = 'LATE',
}
registerEnumType(VisitStatus, {
  name: 'VisitStatus',
  description: 'Where a must-visit stands on the asOf date.',
  valuesConfig: {
    DUE: { description: 'Its window is open and no visit is recorded yet; the due date has not passed.' },
    DONE: { description: 'A visit of the matching kind was recorded within the window.' },
    LATE: { description: 'The due date passed without a visit in the window.' },
  },
});

@ObjectType({ description: 'Must-visits in a unit’s subtree by status.' })
export class VisitCounts {
  @Field(() => Int, { description: 'Open and not yet visited, the due date not passed.' }) due: number;
  @Field(() => Int, { description: 'Visited within the window.' }) done: number;
  @Field(() => Int, { description: 'Not visited by the due date.' }) late: number;
  @Field(() => Int, { description: 'All must-visits whose window has opened by the asOf date.' }) total: number;
}

@ObjectType({ description: 'One must-visit (四必访): who, by which rule, by when, and whether it was done.' })
export class MustVisit {
  @Field(() => MustVisitRule, { description: 'The rule that makes the visit due.' }) rule: MustVisitRule;
  @Field(() => String, {
    description:
      'Why, in words: e.g. "Spring Festival 2026-02-17", "BEREAVEMENT on 2026-03-02", "admitted to hospital on 2026-05-10", "birthday at 90 on 2026-08-09".',
  })
  reason: string;
  @Field(() => DateScalar, { description: 'The date of the occasion: the festival, the family event, the admission or the birthday.' }) occasionOn: string;
  @Field(() => DateScalar, { description: 'First day a visit counts for this occasion.' }) windowStart: string;
  @Field(() => DateScalar, { description: 'Last day a visit counts (the festival, 7 days after the event or admission, the birthday).' }) dueBy: string;
  @Field(() => VisitStatus, { description: 'DUE, DONE or LATE on the asOf date.' }) status: VisitStatus;
  @Field(() => FestivalKind, { nullable: true, description: 'The festival, for FESTIVAL must-visits.' }) festival: FestivalKind | null;
  residentId: string;
  /** The resident's building path, deciding whether the caller may know who it is. */
  residentPath: string;
  visitId: string | null;
  key: string;
}

@ObjectType({ description: 'The "four must-visits" (四必访) of a unit’s subtree for one year, as on a date.' })
export class VisitsDue {
  @Field(() => String, { description: 'The unit whose subtree is listed.' }) unitCode: string;
  @Field(() => Int, { description: 'The year: its New Year and Spring Festival, and the family events, admissions and birthdays in it.' }) year: number;
  @Field(() => DateScalar, { description: 'The date statuses are computed for; occasions whose window opens later are not listed yet.' }) asOf: string;
  path: string;
}
