import { insertRows, type Queryable } from '@cgp/core';
import type { DemoDataset, EnterpriseSeed, PairingSeed, SocialOrganisationSeed } from '@cgp/demo-data';
import { makeCreditCode } from '../partners/credit-code';

/** A demo partner's unified social credit code, made from its id: valid, and the same on every load. */
function demoCreditCode(authority: '5' | '9', districtCode: string, id: string): string {
  const digits = BigInt(`0x${id.replace(/-/g, '').slice(0, 15)}`)
    .toString(31)
    .toUpperCase()
    .padStart(9, '0')
    .slice(-9);
  // Base-31 digits are 0-9A-U; map them onto the code's alphabet (no I, O, S).
  const alphabet = '0123456789ABCDEFGHJKLMNPQRTUWXY';
  const body = [...digits].map((c) => alphabet[parseInt(c, 31)]).join('');
  return makeCreditCode(authority, authority === '5' ? '2' : '1', districtCode, body);
}

/** The demo district's partners (social organisations, caring enterprises) and their pairings with communities. */
export async function seedPairings(db: Queryable, data: DemoDataset): Promise<void> {
  await insertRows<SocialOrganisationSeed>(
    db,
    'pairing.social_organisation',
    {
      id: (r) => r.id,
      name: (r) => r.name,
      field: (r) => r.field,
      district_code: (r) => r.districtCode,
      registered_on: (r) => r.registeredOn,
      path: (r) => r.path,
      credit_code: (r) => demoCreditCode('5', r.districtCode, r.id),
    },
    data.socialOrganisations,
  );
  await insertRows<EnterpriseSeed>(
    db,
    'pairing.enterprise',
    {
      id: (r) => r.id,
      name: (r) => r.name,
      employees: (r) => r.employees,
      district_code: (r) => r.districtCode,
      path: (r) => r.path,
      credit_code: (r) => demoCreditCode('9', r.districtCode, r.id),
    },
    data.enterprises,
  );
  await insertRows<PairingSeed>(
    db,
    'pairing.pairing',
    {
      id: (r) => r.id,
      community_code: (r) => r.communityCode,
      social_organisation_id: (r) => r.socialOrganisationId,
      enterprise_id: (r) => r.enterpriseId,
      started_on: (r) => r.startedOn,
      ended_on: (r) => r.endedOn,
      path: (r) => r.path,
    },
    data.pairings,
  );
  await db.query(`ANALYZE pairing.social_organisation, pairing.enterprise, pairing.pairing`);
}
