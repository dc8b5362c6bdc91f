import { Directive, Field, ID, ObjectType, registerEnumType } from 'type-graphql';

export enum PartyMemberKind {
  RESIDENT = 'RESIDENT',
  IN_SERVICE = 'IN_SERVICE',
  FLOATING = 'FLOATING',
}

registerEnumType(PartyMemberKind, {
  name: 'PartyMemberKind',
  description: 'How a party member relates to the community.',
  valuesConfig: {
    RESIDENT: { description: 'Resident member (居民党员) whose organisation is in the community.' },
    IN_SERVICE: { description: 'In-service member (在职党员) who reports to the community where they live and serves there.' },
    FLOATING: { description: 'Floating member (流动党员) under dynamic management.' },
  },
});

@Directive('@key(fields: "id")')
@ObjectType({
  description:
    'A party member. Name, phone and ID-card number are personal data: masked unless the caller’s work needs them, and every unmasked read is audited.',
})
export class PartyMember {
  @Field(() => ID, { description: 'Stable identifier.' })
  id: string;

  @Field(() => String, { description: 'Name (personal data: masked, e.g. 王*, unless the caller is staff of the member’s own community, grid or building).' })
  name: string;

  @Field(() => PartyMemberKind, { description: 'Resident, in-service or floating.' })
  kind: PartyMemberKind;

  @Field(() => String, { description: 'Date the member joined the party (YYYY-MM-DD).' })
  joinedOn: string;

  @Field(() => String, { nullable: true, description: 'Mobile phone (personal data: masked as 138****5678 unless the caller’s work needs it).' })
  phone: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Resident ID-card number (personal data: masked as 411602********1234 unless the caller’s work needs it).',
  })
  idCardNumber: string | null;

  /** The organisation the member belongs to. */
  organisationId: string;

  /** ltree path of the member's unit (scoping and row-level security). */
  path: string;
}

/** The SELECT list of a party_member row, shaped as PartyMember. */
export const PARTY_MEMBER_COLUMNS = `id, name, kind, to_char(joined_on, 'YYYY-MM-DD') AS "joinedOn", phone, id_card_number AS "idCardNumber", organisation_id AS "organisationId", path::text AS path`;
