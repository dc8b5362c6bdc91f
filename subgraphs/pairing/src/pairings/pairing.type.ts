import { createUnionType, Directive, Field, ID, Int, ObjectType } from 'type-graphql';

@Directive('@key(fields: "id")')
@ObjectType({ description: 'A social organisation (社会组织) that pairs with communities and sends volunteers. Partners work through the API with their own credentials.' })
export class SocialOrganisation {
  @Field(() => ID, { description: 'Stable identifier; a partner token carries it as `org`.' })
  id: string;

  @Field(() => String, { description: 'Registered name.' })
  name: string;

  @Field(() => String, { description: 'Field of service, e.g. elderly care, medical service, social work.' })
  field: string;

  @Field(() => String, { description: 'Date of registration (YYYY-MM-DD).' })
  registeredOn: string;

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

  communityCode: string;

  socialOrganisationId: string | null;

  enterpriseId: string | null;

  path: string;
}

/** SELECT lists of pairing.social_organisation, pairing.enterprise and pairing.pairing that read rows shaped as these types. */
export const SOCIAL_ORGANISATION_COLUMNS = `id, name, field, to_char(registered_on, 'YYYY-MM-DD') AS "registeredOn", path::text AS path`;
export const ENTERPRISE_COLUMNS = `id, name, employees, path::text AS path`;
export const PAIRING_COLUMNS = `id, to_char(started_on, 'YYYY-MM-DD') AS "startedOn", to_char(ended_on, 'YYYY-MM-DD') AS "endedOn",
  community_code AS "communityCode", social_organisation_id AS "socialOrganisationId", enterprise_id AS "enterpriseId", path::text AS path`;
