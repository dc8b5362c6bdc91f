import { CallerKind, forbidden, Role, type RequestContext, uuidIs } from '@cgp/core';
import type { CreatePartnerApiKeyInput, PartnerApiKeysArgs } from './api-key.input';
import { API_KEY_COLUMNS, type CreatedPartnerApiKey, type PartnerApiKey } from './api-key.type';
import { generatePartnerApiKey } from './api-key.secret';

/** District STAFF only (the shield rule says so too; the service never trusts being reached only through it). */
function districtScope(ctx: RequestContext): string {
  const { identity } = ctx;
  if (identity.kind !== CallerKind.DISTRICT || !identity.roles.includes(Role.STAFF) || !identity.unitPath || !identity.unit) {
    throw forbidden('Only district STAFF manage partner API keys');
  }
  return identity.unitPath;
}

/**
 * The partner (social organisation or enterprise) with this id when it is paired with a community of the
 * caller's district (a pairing running or ended); FORBIDDEN otherwise, the same whether or not it exists.
 */
async function partnerOfDistrict(
  ctx: RequestContext,
  partnerId: string,
  scope: string,
): Promise<{ socialOrganisationId: string | null; enterpriseId: string | null }> {
  const [row] = await ctx.query<{ socialOrganisationId: string | null; enterpriseId: string | null }>(
    `SELECT social_organisation_id AS "socialOrganisationId", enterprise_id AS "enterpriseId" FROM pairing.pairing
      WHERE (${uuidIs('social_organisation_id', '$1')} OR ${uuidIs('enterprise_id', '$1')}) AND path <@ $2::ltree LIMIT 1`,
    [partnerId, scope],
  );
  if (!row) throw forbidden(`Partner ${partnerId} is not paired with a community of your district: you manage the API keys of your district’s partners only`);
  return row;
}

/** Partner API keys: issued, listed and revoked by district STAFF for the partners paired in their district. */
export const ApiKeyService = {
  /** Issues a key: the key itself is returned this once; the table keeps its SHA-256 hash and public prefix. */
  async create(ctx: RequestContext, input: CreatePartnerApiKeyInput): Promise<CreatedPartnerApiKey> {
    const scope = districtScope(ctx);
    const partner = await partnerOfDistrict(ctx, input.partnerId, scope);
    const { key, prefix, hash } = generatePartnerApiKey();
    const [apiKey] = await ctx.query<PartnerApiKey>(
      `INSERT INTO pairing.partner_api_key (prefix, key_hash, name, social_organisation_id, enterprise_id, district_code, path, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7::ltree, $8) RETURNING ${API_KEY_COLUMNS}`,
      [prefix, hash, input.name.trim(), partner.socialOrganisationId, partner.enterpriseId, ctx.identity.unit, scope, ctx.identity.sub],
    );
    return { key, apiKey };
  },

  /** The keys the caller's district issued (optionally of one partner), newest first. */
  async list(ctx: RequestContext, args: PartnerApiKeysArgs): Promise<PartnerApiKey[]> {
    const scope = districtScope(ctx);
    if (args.partnerId) await partnerOfDistrict(ctx, args.partnerId, scope);
    return ctx.query<PartnerApiKey>(
      `SELECT ${API_KEY_COLUMNS} FROM pairing.partner_api_key
        WHERE path <@ $1::ltree AND ($2::text IS NULL OR coalesce(social_organisation_id, enterprise_id)::text = $2) AND ($3 OR revoked_at IS NULL)
        ORDER BY created_at DESC, id`,
      [scope, args.partnerId ?? null, args.includeRevoked ?? false],
    );
  },

  /**
   * Revokes a key of the caller's district at once: the gateway checks keys (and tokens made from them)
   * on every request. Revoking a revoked key changes nothing and answers it as it is.
   */
  async revoke(ctx: RequestContext, id: string): Promise<PartnerApiKey> {
    const scope = districtScope(ctx);
    const [row] = await ctx.query<PartnerApiKey>(
      `UPDATE pairing.partner_api_key SET revoked_at = coalesce(revoked_at, now()), revoked_by = coalesce(revoked_by, $2)
        WHERE ${uuidIs('id', '$1')} AND path <@ $3::ltree RETURNING ${API_KEY_COLUMNS}`,
      [id, ctx.identity.sub, scope],
    );
    if (!row) throw forbidden(`API key ${id} is not one your district issued`);
    return row;
  },
};
