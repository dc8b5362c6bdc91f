import { insertRows, type Queryable } from '@cgp/core';
import type { DemoDataset, EnterpriseSeed, PairingSeed, SocialOrganisationSeed } from '@cgp/demo-data';

/** The demo district's partners (social organisations, caring enterprises) and their pairings with communities. */
export async function seedPairings(db: Queryable, data: DemoDataset): Promise<void> {
  await insertRows<SocialOrganisationSeed>(
    db,
    'pairing.social_organisation',
    { id: (r) => r.id, name: (r) => r.name, field: (r) => r.field, district_code: (r) => r.districtCode, registered_on: (r) => r.registeredOn, path: (r) => r.path },
    data.socialOrganisations,
  );
  await insertRows<EnterpriseSeed>(
    db,
    'pairing.enterprise',
    { id: (r) => r.id, name: (r) => r.name, employees: (r) => r.employees, district_code: (r) => r.districtCode, path: (r) => r.path },
    data.enterprises,
  );
  await insertRows<PairingSeed>(
    db,
    'pairing.pairing',
    {
      id: (r) => r.id, community_code: (r) => r.communityCode, social_organisation_id: (r) => r.socialOrganisationId, enterprise_id: (r) => r.enterpriseId,
      started_on: (r) => r.startedOn, ended_on: (r) => r.endedOn, path: (r) => r.path,
    },
    data.pairings,
  );
  await db.query(`ANALYZE pairing.social_organisation, pairing.enterprise, pairing.pairing`);
}
