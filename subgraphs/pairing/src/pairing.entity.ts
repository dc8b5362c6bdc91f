import { createUnionType, Directive, Field, ID, Int, ObjectType } from 'type-graphql';
import { Column, Entity, PrimaryColumn } from 'typeorm';

@Directive('@key(fields: "id")')
@ObjectType({ description: 'A social organisation (社会组织) that pairs with communities and sends volunteers. Partners work through the API with their own credentials.' })
@Entity({ schema: 'pairing', name: 'social_organisation' })
export class SocialOrganisation {
  @Field(() => ID, { description: 'Stable identifier; a partner token carries it as `org`.' })
  @PrimaryColumn('uuid')
  id: string;

  @Field(() => String, { description: 'Registered name.' })
  @Column('varchar', { length: 200 })
  name: string;

  @Field(() => String, { description: 'Field of service, e.g. elderly care, medical service, social work.' })
  @Column('varchar', { length: 100 })
  field: string;

  @Field(() => String, { description: 'Date of registration (YYYY-MM-DD).' })
  @Column('date', { name: 'registered_on' })
  registeredOn: string;

  @Column('ltree')
  path: string;
}

@Directive('@key(fields: "id")')
@ObjectType({ description: 'A caring enterprise (爱心企业) that pairs with communities and sends its employees as volunteers.' })
@Entity({ schema: 'pairing', name: 'enterprise' })
export class Enterprise {
  @Field(() => ID, { description: 'Stable identifier; a partner token carries it as `org`.' })
  @PrimaryColumn('uuid')
  id: string;

  @Field(() => String, { description: 'Registered name.' })
  @Column('varchar', { length: 200 })
  name: string;

  @Field(() => Int, { description: 'Employees taking part in volunteer service.' })
  @Column('int')
  employees: number;

  @Column('ltree')
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
@Entity({ schema: 'pairing', name: 'pairing' })
export class Pairing {
  @Field(() => ID, { description: 'Stable identifier.' })
  @PrimaryColumn('uuid')
  id: string;

  @Field(() => String, { description: 'Date the pairing started (YYYY-MM-DD).' })
  @Column('date', { name: 'started_on' })
  startedOn: string;

  @Field(() => String, { nullable: true, description: 'Date the pairing ended (YYYY-MM-DD), or null while it runs.' })
  @Column('date', { name: 'ended_on', nullable: true })
  endedOn: string | null;

  @Column('varchar', { name: 'community_code', length: 12 })
  communityCode: string;

  @Column('uuid', { name: 'social_organisation_id', nullable: true })
  socialOrganisationId: string | null;

  @Column('uuid', { name: 'enterprise_id', nullable: true })
  enterpriseId: string | null;

  @Column('ltree')
  path: string;
}

@Directive('@key(fields: "code")')
@ObjectType({ description: 'A community; the pairing subgraph adds its pairings.' })
export class Community {
  @Field(() => String, { description: '12-digit code.' })
  code: string;
}

export const SOCIAL_ORGANISATION_COLUMNS = `id, name, field, to_char(registered_on, 'YYYY-MM-DD') AS "registeredOn", path::text AS path`;
export const ENTERPRISE_COLUMNS = `id, name, employees, path::text AS path`;
export const PAIRING_COLUMNS = `id, to_char(started_on, 'YYYY-MM-DD') AS "startedOn", to_char(ended_on, 'YYYY-MM-DD') AS "endedOn",
  community_code AS "communityCode", social_organisation_id AS "socialOrganisationId", enterprise_id AS "enterpriseId", path::text AS path`;
