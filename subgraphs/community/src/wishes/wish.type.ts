import { Directive, Field, GraphQLISODateTime, ID, Int, ObjectType, registerEnumType } from 'type-graphql';

export enum WishState {
  POSTED = 'POSTED',
  CLAIMED = 'CLAIMED',
  FULFILLED = 'FULFILLED',
  CONFIRMED = 'CONFIRMED',
  WITHDRAWN = 'WITHDRAWN',
}
registerEnumType(WishState, {
  name: 'WishState',
  description: 'A micro-wish’s way from the wish wall to the resident’s confirmation.',
  valuesConfig: {
    POSTED: { description: 'On the wish wall, waiting for someone to claim it.' },
    CLAIMED: { description: 'Claimed by a party member or a partner organisation.' },
    FULFILLED: { description: 'The claimer says it is fulfilled.' },
    CONFIRMED: { description: 'The resident confirmed it (recorded by community staff).' },
    WITHDRAWN: { description: 'Withdrawn by the community.' },
  },
});

export enum WishCategory {
  STUDY = 'STUDY',
  DAILY_NECESSITIES = 'DAILY_NECESSITIES',
  HEALTH = 'HEALTH',
  COMPANIONSHIP = 'COMPANIONSHIP',
  OTHER = 'OTHER',
}
registerEnumType(WishCategory, {
  name: 'WishCategory',
  description: 'What a wish is for.',
  valuesConfig: {
    STUDY: { description: 'For study: a schoolbag, books.' },
    DAILY_NECESSITIES: { description: 'Daily necessities: a quilt, a cooker.' },
    HEALTH: { description: 'Health: a check-up, a wheelchair.' },
    COMPANIONSHIP: { description: 'Company and care: visits, reading, a haircut.' },
    OTHER: { description: 'Anything else.' },
  },
});

export enum ClaimerKind {
  PARTY_MEMBER = 'PARTY_MEMBER',
  PARTNER = 'PARTNER',
}
registerEnumType(ClaimerKind, {
  name: 'ClaimerKind',
  description: 'Who claimed a wish.',
  valuesConfig: {
    PARTY_MEMBER: { description: 'A party member (often an in-service member).' },
    PARTNER: { description: 'A partner social organisation or caring enterprise.' },
  },
});

@Directive('@key(fields: "id")')
@ObjectType({
  description:
    'A micro-wish (微心愿): a small wish of a resident in difficulty, posted on the wish wall by community staff and claimed, fulfilled and confirmed.',
})
export class Wish {
  @Field(() => ID, { description: 'Stable identifier.' }) id: string;
  @Field(() => String, { description: 'The wish, e.g. 一个新书包.' }) text: string;
  @Field(() => WishCategory, { description: 'What it is for.' }) category: WishCategory;
  @Field(() => Boolean, { description: 'Whether partner organisations may see and claim it.' }) openToPartners: boolean;
  @Field(() => WishState, { description: 'Where it stands.' }) state: WishState;
  @Field(() => String, { description: 'Code of the community whose wall it is on.' }) communityCode: string;
  @Field(() => GraphQLISODateTime, { description: 'When it was posted.' }) postedAt: Date;
  @Field(() => ClaimerKind, { nullable: true, description: 'Who claimed it.' }) claimerKind: ClaimerKind | null;
  @Field(() => ID, { nullable: true, description: 'The partner organisation that claimed it.' }) claimedByOrganisationId: string | null;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'When it was claimed.' }) claimedAt: Date | null;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'When it was fulfilled.' }) fulfilledAt: Date | null;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'When the resident confirmed it.' }) confirmedAt: Date | null;
  @Field(() => Int, { description: 'Version for optimistic concurrency.' }) version: number;
  beneficiaryName: string;
  claimedMemberId: string | null;
  /** ltree path of the wish's community. */
  path: string;
}

/** SELECT list of community.wish that reads rows shaped as Wish objects. */
export const WISH_COLUMNS = `id, text, category, open_to_partners AS "openToPartners", state, community_code AS "communityCode", posted_at AS "postedAt",
  claimer_kind AS "claimerKind", claimed_org_id AS "claimedByOrganisationId", claimed_member_id AS "claimedMemberId", claimed_at AS "claimedAt",
  fulfilled_at AS "fulfilledAt", confirmed_at AS "confirmedAt", version, beneficiary_name AS "beneficiaryName", path::text AS path`;
