import { Field, GraphQLISODateTime, ID, ObjectType } from 'type-graphql';

/**
 * A partner API key as district staff see it: never the key itself (only its SHA-256 is stored), but
 * its public prefix, whom it is for, who issued it, and whether it still works.
 */
@ObjectType({
  description: 'An API key of a partner organisation (issued by district staff). The key itself is shown once, when created; only its SHA-256 hash is stored.',
})
export class PartnerApiKey {
  @Field(() => ID, { description: 'Stable identifier (what revokePartnerApiKey takes).' }) id: string;
  @Field(() => String, {
    description: 'The key’s public prefix (cgppk_ and 12 hex digits): it tells keys apart in lists and support calls; the secret part is never shown again.',
  })
  prefix: string;
  @Field(() => String, { description: 'What the key is for, e.g. 志愿者平台对接 (the issuer’s label).' }) name: string;
  @Field(() => String, { description: 'Code of the district whose staff issued the key.' }) districtCode: string;
  @Field(() => String, { description: 'Who issued it (token subject of the district staff member).' }) createdBy: string;
  @Field(() => GraphQLISODateTime, { description: 'When it was issued.' }) createdAt: Date;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'When it was revoked, or null while it works.' }) revokedAt: Date | null;
  @Field(() => String, { nullable: true, description: 'Who revoked it, or null.' }) revokedBy: string | null;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'When it was last used at the gateway (to the minute), or null if never.' })
  lastUsedAt: Date | null;
  socialOrganisationId: string | null;
  enterpriseId: string | null;
  path: string;
}

@ObjectType({ description: 'A newly issued partner API key: the key itself, shown this once, and its record.' })
export class CreatedPartnerApiKey {
  @Field(() => String, { description: 'The API key. Hand it to the partner now: it is not stored (only its SHA-256 hash) and cannot be shown again.' })
  key: string;
  @Field(() => PartnerApiKey, { description: 'The key’s record, as partnerApiKeys lists it.' }) apiKey: PartnerApiKey;
}

/** SELECT list of pairing.partner_api_key that reads rows shaped as PartnerApiKey objects. */
export const API_KEY_COLUMNS = `id, prefix, name, district_code AS "districtCode", created_by AS "createdBy", created_at AS "createdAt",
  revoked_at AS "revokedAt", revoked_by AS "revokedBy", last_used_at AS "lastUsedAt",
  social_organisation_id AS "socialOrganisationId", enterprise_id AS "enterpriseId", path::text AS path`;
