import { createUnionType, Directive, Field, ID, Int, ObjectType } from 'type-graphql';

@Directive('@key(fields: "id")')
@ObjectType({
  description: 'A social organisation (社会组织) that pairs with communities and sends volunteers. Partners work through the API with their own credentials.',
})
export class SocialOrganisation {
  @Field(() => ID, { description: 'Stable identifier; a partner token carries it as `org`.' })
  id: string;

  @Field(() => String, { description: 'Registered name.' })
  name: string;

  @Field(() => String, { description: 'Field of service, e.g. elderly care, medical service, social work.' })
  field: string;

  @Field(() => String, { description: 'Date of registration (YYYY-MM-DD).' })
  registeredOn: string;

  @Field(() => String, {
    nullable: true,
    description:
      'Unified social credit code (统一社会信用代码, 18 characters, issued by civil affairs: begins with 5); null for partners registered before codes were recorded.',
  })
  creditCode: string | null;

  path: string;
}

@Directive('@key(fields: "id")')
@ObjectType({ description: 'A caring enterprise (爱心企业) that pairs with communities and sends its employees as volunteers.' })
export class Enterprise {
  @Field(() => ID, { description: 'Stable identifier; a partner token carries it as `org`.' })
  id: string;

  @Field(() => String, { description: 'Registered name.' })
  name: string;

  @Field(() => Int, { description: 'Employees taking part in volunteer service.' })
  employees: number;

  @Field(() => String, {
    nullable: true,
    description:
      'Unified social credit code (统一社会信用代码, 18 characters, issued by market regulation: begins with 9); null for partners registered before codes were recorded.',
  })
  creditCode: string | null;

  @Field(() => String, { nullable: true, description: 'Date it was registered here (YYYY-MM-DD); null for partners registered before dates were recorded.' })
  registeredOn: string | null;

  path: string;
}

export const Partner = createUnionType({
  name: 'Partner',
  description: 'A community’s partner: a social organisation or a caring enterprise.',
  types: () => [SocialOrganisation, Enterprise] as const,
  resolveType: (value) => ('field' in value ? 'SocialOrganisation' : 'Enterprise'),
});

@Directive('@key(fields: "id")')
@ObjectType({ description: 'A pairing (结对, "联姻") of a community with a social organisation or a caring enterprise.' })
export class Pairing {
  @Field(() => ID, { description: 'Stable identifier.' })
  id: string;

  @Field(() => String, { description: 'Date the pairing started (YYYY-MM-DD).' })
  startedOn: string;

  @Field(() => String, { nullable: true, description: 'Date the pairing ended (YYYY-MM-DD), or null while it runs.' })
  endedOn: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Last day of the agreed term (YYYY-MM-DD), moved by each renewal; null for pairings started before terms were recorded.',
  })
  agreedUntil: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'What the two sides agreed to do (the pairing agreement’s content), as last renewed; null for pairings started before agreements were recorded.',
  })
  agreement: string | null;

  communityCode: string;

  socialOrganisationId: string | null;

  enterpriseId: string | null;

  path: string;
}

@ObjectType({ description: 'One term of a pairing: the start or a renewal, with the agreement made for it.' })
export class PairingTerm {
  @Field(() => ID, { description: 'Stable identifier.' })
  id: string;

  @Field(() => String, { description: '`START` for the first term, `RENEWAL` for each renewal.' })
  kind: string;

  @Field(() => String, { description: 'First day of the term (YYYY-MM-DD).' })
  from: string;

  @Field(() => String, { description: 'Last day of the term (YYYY-MM-DD).' })
  until: string;

  @Field(() => String, { description: 'The agreement’s content for this term.' })
  agreement: string;

  @Field(() => String, { description: 'When it was recorded (ISO 8601).' })
  recordedAt: string;

  pairingId: string;
}

/** SELECT lists of pairing.social_organisation, pairing.enterprise and pairing.pairing that read rows shaped as these types. */
export const SOCIAL_ORGANISATION_COLUMNS = `id, name, field, to_char(registered_on, 'YYYY-MM-DD') AS "registeredOn", credit_code AS "creditCode", path::text AS path`;
export const ENTERPRISE_COLUMNS = `id, name, employees, credit_code AS "creditCode", to_char(registered_on, 'YYYY-MM-DD') AS "registeredOn", path::text AS path`;
export const PAIRING_COLUMNS = `id, to_char(started_on, 'YYYY-MM-DD') AS "startedOn", to_char(ended_on, 'YYYY-MM-DD') AS "endedOn",
  to_char(agreed_until, 'YYYY-MM-DD') AS "agreedUntil", agreement,
  community_code AS "communityCode", social_organisation_id AS "socialOrganisationId", enterprise_id AS "enterpriseId", path::text AS path`;
export const PAIRING_TERM_COLUMNS = `id, kind, to_char(from_on, 'YYYY-MM-DD') AS "from", to_char(until_on, 'YYYY-MM-DD') AS "until", agreement,
  to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "recordedAt", pairing_id AS "pairingId"`;
