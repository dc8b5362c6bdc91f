import { Directive, Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';

export enum PartnerActivityKind {
  PRECISE_ASSISTANCE = 'PRECISE_ASSISTANCE',
  MEDICAL_SERVICE = 'MEDICAL_SERVICE',
  SOCIAL_CARE = 'SOCIAL_CARE',
  VOLUNTEER_SERVICE = 'VOLUNTEER_SERVICE',
  OTHER = 'OTHER',
}
registerEnumType(PartnerActivityKind, {
  name: 'PartnerActivityKind',
  description: 'What a partner’s service activity in a paired community was.',
  valuesConfig: {
    PRECISE_ASSISTANCE: { description: 'Precise assistance (精准帮扶) to households in difficulty.' },
    MEDICAL_SERVICE: { description: 'Medical service: free clinics, health checks, home visits.' },
    SOCIAL_CARE: { description: 'Social care (社会关爱) for the elderly, children, the disabled.' },
    VOLUNTEER_SERVICE: { description: 'Other volunteer service: cleaning, publicity, repairs.' },
    OTHER: { description: 'Anything else.' },
  },
});

@Directive('@key(fields: "id")')
@ObjectType({
  description:
    'A service activity a partner (social organisation or caring enterprise) ran in a paired community. Aggregate figures only: no resident is named.',
})
export class PartnerActivity {
  @Field(() => ID, { description: 'Stable identifier.' }) id: string;
  @Field(() => PartnerActivityKind, { description: 'What kind of service it was.' }) kind: PartnerActivityKind;
  @Field(() => String, { description: 'Date held (YYYY-MM-DD).' }) heldOn: string;
  @Field(() => String, { description: 'Title, e.g. 重阳节义诊.' }) title: string;
  @Field(() => Int, { description: 'Volunteers the partner sent.' }) volunteers: number;
  @Field(() => Int, { description: 'People served.' }) beneficiaries: number;
  @Field(() => String, { description: 'Who recorded it (token subject): the partner itself or community staff on its behalf.' }) recordedBy: string;
  pairingId: string;
  communityCode: string;
  socialOrganisationId: string | null;
  enterpriseId: string | null;
  path: string;
}

@ObjectType({ description: 'How many activities of one kind.' })
export class PartnerActivityKindCount {
  @Field(() => PartnerActivityKind, { description: 'The kind.' }) kind: PartnerActivityKind;
  @Field(() => Int, { description: 'Activities of that kind.' }) activities: number;
}

@ObjectType({ description: 'A partner’s public aggregate figures for a calendar year: activities, volunteers sent, people served.' })
export class PartnerActivitySummary {
  @Field(() => Int, { description: 'The calendar year.' }) year: number;
  @Field(() => Int, { description: 'Activities held.' }) activities: number;
  @Field(() => Int, { description: 'Volunteers sent, summed over the activities.' }) volunteers: number;
  @Field(() => Int, { description: 'People served, summed over the activities.' }) beneficiaries: number;
  @Field(() => Int, { description: 'Distinct communities served.' }) communities: number;
  @Field(() => [PartnerActivityKindCount], { description: 'Activities by kind (kinds with none are left out).' }) byKind: PartnerActivityKindCount[];
}

export const ACTIVITY_COLUMNS = `id, pairing_id AS "pairingId", kind, to_char(held_on, 'YYYY-MM-DD') AS "heldOn", title, volunteers, beneficiaries,
  community_code AS "communityCode", social_organisation_id AS "socialOrganisationId", enterprise_id AS "enterpriseId", recorded_by AS "recordedBy", path::text AS path`;
