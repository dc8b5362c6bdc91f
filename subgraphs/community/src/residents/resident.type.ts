import { Directive, Field, GraphQLISODateTime, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DateScalar } from './date.scalar';

/** The six kinds of key people (孤、寡、贫、弱、残、老) visited regularly. */
export enum KeyCategory {
  LIVING_ALONE = 'LIVING_ALONE',
  WIDOWED = 'WIDOWED',
  POOR = 'POOR',
  WEAK_ILL = 'WEAK_ILL',
  DISABLED = 'DISABLED',
  ELDERLY = 'ELDERLY',
}
registerEnumType(KeyCategory, {
  name: 'KeyCategory',
  description: 'The six kinds of key people (孤、寡、贫、弱、残、老) the community visits regularly. Personal data.',
  valuesConfig: {
    LIVING_ALONE: { description: 'Lonely, living alone (孤).' },
    WIDOWED: { description: 'Widowed (寡).' },
    POOR: { description: 'Poor, on or near the minimum living allowance (贫).' },
    WEAK_ILL: { description: 'Weak or chronically ill (弱).' },
    DISABLED: { description: 'Disabled (残).' },
    ELDERLY: { description: 'Elderly needing care (老).' },
  },
});
/** Chinese single-character names of the key categories, accepted in CSV files too. */
export const KEY_CATEGORY_CHINESE: Record<string, KeyCategory> = {
  孤: KeyCategory.LIVING_ALONE,
  寡: KeyCategory.WIDOWED,
  贫: KeyCategory.POOR,
  弱: KeyCategory.WEAK_ILL,
  残: KeyCategory.DISABLED,
  老: KeyCategory.ELDERLY,
};

export enum Gender {
  MALE = 'MALE',
  FEMALE = 'FEMALE',
}
registerEnumType(Gender, {
  name: 'Gender',
  description: 'Gender as on the resident ID card (its 17th digit: odd male, even female).',
  valuesConfig: { MALE: { description: 'Male (男).' }, FEMALE: { description: 'Female (女).' } },
});

export enum FamilyEventKind {
  BEREAVEMENT = 'BEREAVEMENT',
  WEDDING = 'WEDDING',
  BIRTH = 'BIRTH',
  HARDSHIP = 'HARDSHIP',
  OTHER = 'OTHER',
}
registerEnumType(FamilyEventKind, {
  name: 'FamilyEventKind',
  description: 'A major family event (家庭重大变故或喜事); each one makes a visit due within 7 days.',
  valuesConfig: {
    BEREAVEMENT: { description: 'A death in the family (丧事).' },
    WEDDING: { description: 'A wedding (婚事).' },
    BIRTH: { description: 'A birth (添丁).' },
    HARDSHIP: { description: 'A sudden hardship: job loss, fire, accident (变故).' },
    OTHER: { description: 'Another major event.' },
  },
});

export enum VisitKind {
  FESTIVAL = 'FESTIVAL',
  FAMILY_EVENT = 'FAMILY_EVENT',
  HOSPITAL = 'HOSPITAL',
  BIRTHDAY = 'BIRTHDAY',
  ROUTINE = 'ROUTINE',
}
registerEnumType(VisitKind, {
  name: 'VisitKind',
  description: 'Why a visit was made; the first four answer the "four must-visits" (四必访).',
  valuesConfig: {
    FESTIVAL: { description: 'New Year or Spring Festival visit to the elderly over 70 and the disabled.' },
    FAMILY_EVENT: { description: 'Visit after a major family event.' },
    HOSPITAL: { description: 'Visit during or after a hospital stay.' },
    BIRTHDAY: { description: 'Birthday visit to someone over 90.' },
    ROUTINE: { description: 'A regular visit to a key person (not one of the four must-visits).' },
  },
});

/** A resident as read from SQL; personal fields are served through masking field resolvers. */
export interface ResidentRow {
  id: string;
  householdId: string;
  communityCode: string;
  buildingCode: string;
  room: string;
  name: string;
  idCardNumber: string;
  phone: string | null;
  birthDate: string;
  gender: Gender;
  keyCategories: KeyCategory[];
  age: number;
  path: string;
}

export const RESIDENT_COLUMNS = `r.id::text AS id, r.household_id::text AS "householdId", r.community_code AS "communityCode", h.building_code AS "buildingCode", h.room,
  r.name, r.id_card_number AS "idCardNumber", r.phone, r.birth_date::text AS "birthDate", r.gender, r.key_categories AS "keyCategories",
  extract(year FROM age(current_date, r.birth_date))::int AS age, r.path::text AS path`;
export const RESIDENT_FROM = `community.resident r JOIN community.household h ON h.id = r.household_id`;

@Directive('@key(fields: "id")')
@ObjectType({
  description:
    'A resident (居民) registered in a household. Name, ID-card number, phone, birth date, address and key categories are personal data: ' +
    'unmasked only for the staff of the resident’s own community, grid and building whose work needs them (every such read is audited), masked for everyone else; never for partners.',
})
export class Resident {
  @Field(() => ID, { description: 'Stable identifier.' })
  id: string;

  @Field(() => Gender, { description: 'Gender.' })
  gender: Gender;

  @Field(() => Int, { description: 'Age in whole years today.' })
  age: number;

  @Field(() => String, { description: '12-digit code of the resident’s community.' })
  communityCode: string;

  @Field(() => String, { description: '18-digit code of the resident’s building.' })
  buildingCode: string;

  householdId: string;
  room: string;
  name: string;
  idCardNumber: string;
  phone: string | null;
  birthDate: string;
  keyCategories: KeyCategory[];
  path: string;
}

export interface HouseholdRow {
  id: string;
  buildingCode: string;
  room: string;
  path: string;
}
export const HOUSEHOLD_COLUMNS = `id::text AS id, building_code AS "buildingCode", room, path::text AS path`;

@ObjectType({ description: 'A household (户): one dwelling, a room of a building, with its registered residents.' })
export class Household {
  @Field(() => ID, { description: 'Stable identifier.' })
  id: string;

  @Field(() => String, { description: '18-digit code of the building.' })
  buildingCode: string;

  room: string;
  path: string;
}

@ObjectType({ description: 'A hospital stay of a resident (住院); a HOSPITAL visit is due within 7 days of admission.' })
export class HospitalStay {
  @Field(() => ID, { description: 'Stable identifier.' }) id: string;
  @Field(() => DateScalar, { description: 'Admission date.' }) admittedOn: string;
  @Field(() => DateScalar, { nullable: true, description: 'Discharge date; null while in hospital.' }) dischargedOn: string | null;
  @Field(() => String, { description: 'Who recorded it (token subject).' }) recordedBy: string;
  @Field(() => GraphQLISODateTime, { description: 'When it was recorded.' }) recordedAt: Date;
  residentId: string;
  hospital: string | null;
  notes: string | null;
  path: string;
}
export const STAY_COLUMNS = `id::text AS id, resident_id::text AS "residentId", admitted_on::text AS "admittedOn", discharged_on::text AS "dischargedOn",
  hospital, notes, recorded_by AS "recordedBy", recorded_at AS "recordedAt", path::text AS path`;

@ObjectType({ description: 'A major family event of a resident (家庭重大事件); a FAMILY_EVENT visit is due within 7 days.' })
export class FamilyEvent {
  @Field(() => ID, { description: 'Stable identifier.' }) id: string;
  @Field(() => FamilyEventKind, { description: 'What happened.' }) kind: FamilyEventKind;
  @Field(() => DateScalar, { description: 'When it happened.' }) happenedOn: string;
  @Field(() => String, { description: 'Who recorded it (token subject).' }) recordedBy: string;
  @Field(() => GraphQLISODateTime, { description: 'When it was recorded.' }) recordedAt: Date;
  residentId: string;
  notes: string | null;
  path: string;
}
export const EVENT_COLUMNS = `id::text AS id, resident_id::text AS "residentId", kind, happened_on::text AS "happenedOn", notes,
  recorded_by AS "recordedBy", recorded_at AS "recordedAt", path::text AS path`;

@ObjectType({ description: 'A visit to a resident by community staff, grid staff or a building leader (走访).' })
export class Visit {
  @Field(() => ID, { description: 'Stable identifier.' }) id: string;
  @Field(() => String, { description: 'Who visited (token subject of the staff member).' }) visitor: string;
  @Field(() => DateScalar, { description: 'Date of the visit.' }) visitedOn: string;
  @Field(() => VisitKind, { description: 'Why the visit was made.' }) kind: VisitKind;
  @Field(() => GraphQLISODateTime, { description: 'When it was recorded.' }) recordedAt: Date;
  residentId: string;
  notes: string | null;
  path: string;
}
export const VISIT_COLUMNS = `id::text AS id, resident_id::text AS "residentId", visitor, visited_on::text AS "visitedOn", kind, notes,
  recorded_at AS "recordedAt", path::text AS path`;
