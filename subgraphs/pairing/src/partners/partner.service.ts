import { Access, accessToCode, assertUnitCode, badInput, chinaToday, conflict, forbidden, Tier, type RequestContext } from '@cgp/core';
import { ENTERPRISE_COLUMNS, SOCIAL_ORGANISATION_COLUMNS, type Enterprise, type SocialOrganisation } from '../pairings/pairing.type';
import { creditCodeProblem } from './credit-code';
import type { RegisterEnterpriseInput, RegisterSocialOrganisationInput } from './partner.input';

const CIVIL_AFFAIRS = { char: '5', name: 'civil affairs' };
const MARKET_REGULATION = { char: '9', name: 'market regulation' };

/** The checks every registration shares: the caller's own district, a valid and unused credit code, a past date. */
async function checkRegistration(
  ctx: RequestContext,
  districtCode: string,
  creditCode: string,
  authority: { char: string; name: string },
  registeredOn?: string,
): Promise<string> {
  assertUnitCode(districtCode, Tier.DISTRICT, 'districtCode');
  if (accessToCode(ctx.identity, districtCode) !== Access.FULL) throw forbidden(`District ${districtCode} is not your district: register partners in your own`);
  const code = creditCode.trim().toUpperCase();
  const problem = creditCodeProblem(code, authority);
  if (problem) throw badInput(problem, 'creditCode');
  if (registeredOn && registeredOn > chinaToday()) throw badInput(`registeredOn ${registeredOn} is in the future`, 'registeredOn');
  // One registration per code and district, whichever kind of partner holds it; concurrent registrations of a code queue here.
  await ctx.query(`SELECT pg_advisory_xact_lock(hashtext('pairing.credit_code:' || $1 || ':' || $2))`, [districtCode, code]);
  const [taken] = await ctx.query<{ id: string; name: string }>(
    `SELECT id, name FROM pairing.social_organisation WHERE district_code = $1 AND credit_code = $2
     UNION ALL SELECT id, name FROM pairing.enterprise WHERE district_code = $1 AND credit_code = $2`,
    [districtCode, code],
  );
  if (taken) throw conflict(`Credit code ${code} is already registered in district ${districtCode}: ${taken.name} (${taken.id})`);
  return code;
}

/** The partner registry: district STAFF register social organisations and caring enterprises in their district. */
export const PartnerService = {
  async registerSocialOrganisation(ctx: RequestContext, input: RegisterSocialOrganisationInput): Promise<SocialOrganisation> {
    const code = await checkRegistration(ctx, input.districtCode, input.creditCode, CIVIL_AFFAIRS, input.registeredOn);
    const [created] = await ctx.query<SocialOrganisation>(
      `INSERT INTO pairing.social_organisation (id, name, field, district_code, registered_on, path, credit_code, registered_by)
       VALUES (gen_random_uuid(), $1, $2, $3, $4::date, $5::ltree, $6, $7) RETURNING ${SOCIAL_ORGANISATION_COLUMNS}`,
      [input.name.trim(), input.field.trim(), input.districtCode, input.registeredOn, input.districtCode, code, ctx.identity.sub],
    );
    return created;
  },

  async registerEnterprise(ctx: RequestContext, input: RegisterEnterpriseInput): Promise<Enterprise> {
    const registeredOn = input.registeredOn ?? chinaToday();
    const code = await checkRegistration(ctx, input.districtCode, input.creditCode, MARKET_REGULATION, registeredOn);
    const [created] = await ctx.query<Enterprise>(
      `INSERT INTO pairing.enterprise (id, name, employees, district_code, registered_on, path, credit_code, registered_by)
       VALUES (gen_random_uuid(), $1, $2, $3, $4::date, $5::ltree, $6, $7) RETURNING ${ENTERPRISE_COLUMNS}`,
      [input.name.trim(), input.employees, input.districtCode, registeredOn, input.districtCode, code, ctx.identity.sub],
    );
    return created;
  },
};
